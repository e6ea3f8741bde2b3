using Akka.Actor;
using Akka.Event;
using Gateway.Modem.At;

namespace Gateway.Modem;

// Health and status: AT+CSQ / AT+CREG? / AT+COPS? every health-interval (the keepalive: a silent
// modem times out and, after dead-after-timeouts misses in a row, is closed and reopened), and the
// ModuleStatus published to the status listener and subscribers on every change.
public sealed partial class GsmModule
{
    private enum PollKind { Signal, Registration, Operator }

    private sealed record PollPurpose(PollKind Kind) : Purpose;

    private sealed class HealthTick
    {
        public static HealthTick Instance { get; } = new();
    }

    private const string HealthTimer = "health";

    private readonly HashSet<IActorRef> _subscribers = new();
    private ModuleStatus? _published;
    private DateTimeOffset _since = DateTimeOffset.UtcNow;
    private Registration? _registration;
    private int? _rssi;
    private string? _operator;
    private string? _lastError;
    private bool _needsOperator;
    private bool _pollQueued;

    private void OnHealthTick()
    {
        if (_phase is Phase.Connecting or Phase.Initializing or Phase.Closing) return;
        if (!_pollQueued)
        {
            _pollQueued = true;
            EnqueueWork(new Work(AtCommand.Of("AT+CSQ"), new PollPurpose(PollKind.Signal)));
            EnqueueWork(new Work(AtCommand.Of("AT+CREG?"), new PollPurpose(PollKind.Registration)));
            EnqueueWork(new Work(AtCommand.Of("AT+COPS?"), new PollPurpose(PollKind.Operator)));
        }
        EnqueueListIfWanted();
        RetryDeletes();
        DispatchIfIdle();
    }

    private void OnPollResult(PollPurpose poll, AtResult result)
    {
        if (poll.Kind == PollKind.Operator) _pollQueued = false;
        if (!result.IsOk)
        {
            _log.Debug("{0}: health poll {1} answered {2}", Name, poll.Kind, result.Final.Describe());
            return;
        }
        switch (poll.Kind)
        {
            case PollKind.Signal:
                _rssi = AtResponses.TryParseSignal(result.Value("+CSQ:"), out var rssi) && rssi != 99 ? rssi : null;
                break;
            case PollKind.Registration:
                if (result.Value("+CREG:") is { } v && AtResponses.TryParseRegistration(v, out var registration))
                {
                    if (_registration?.IsRegistered != registration.IsRegistered)
                        _log.Info("{0}: registration now {1}", Name, registration.Status);
                    _registration = registration;
                }
                break;
            case PollKind.Operator:
                _operator = AtResponses.ParseOperator(result.Value("+COPS:"));
                break;
        }
        PublishStatus();
    }

    private void StatusHandlers()
    {
        Receive<GetModuleStatus>(_ => Sender.Tell(CurrentStatus()));
        Receive<SubscribeModuleStatus>(s =>
        {
            if (_subscribers.Add(s.Subscriber)) Context.Watch(s.Subscriber);
            s.Subscriber.Tell(CurrentStatus());
        });
        Receive<UnsubscribeModuleStatus>(s =>
        {
            if (_subscribers.Remove(s.Subscriber)) Context.Unwatch(s.Subscriber);
        });
        Receive<Terminated>(t => _subscribers.Remove(t.ActorRef));
    }

    private ModuleState StateOf(Phase phase) => phase switch
    {
        Phase.Connecting => ModuleState.Connecting,
        Phase.Initializing => ModuleState.Initializing,
        Phase.Closing => ModuleState.Down,
        _ => ModuleState.Ready,
    };

    private ModuleStatus CurrentStatus()
    {
        var state = StateOf(_phase);
        if (state == ModuleState.Ready && !_usageLoaded) state = ModuleState.Initializing; // it sends nothing before its counters are read
        if (_published is not null && _published.State != state) _since = DateTimeOffset.UtcNow;
        var rssi = _rssi is 99 ? null : _rssi;
        return new ModuleStatus(
            Name, _transport.Endpoint, state,
            _published is not null && _published.State == state ? _published.Since : _since,
            _registration?.IsRegistered ?? false,
            rssi, rssi is { } r ? AtResponses.SignalDbm(r) : null,
            _operator,
            _sendQueue.Count, _sending is null ? 0 : 1,
            _receipts.Count(r => !r.Value.Confirmed),
            _lastError, _needsOperator,
            Usage: UsageStatus());
    }

    /// <summary>Tells the listener and subscribers when anything changed; logs state changes.</summary>
    private void PublishStatus()
    {
        var status = CurrentStatus();
        if (status == _published) return;
        var stateChanged = _published?.State != status.State;
        _published = status;
        if (stateChanged)
        {
            if (status.State == ModuleState.Down && !_stoppedFromOutside) _log.Warning("{0}", status.Describe());
            else _log.Info("{0}", status.Describe());
        }
        if (status.Usage?.AtLimit == true && _phase != Phase.Closing) ScheduleRollover();
        _statusListener?.Tell(status, Self);
        foreach (var subscriber in _subscribers) subscriber.Tell(status, Self);
    }
}

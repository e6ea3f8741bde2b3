using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using Gateway.Configuration;
using Gateway.Modem.Transport;

namespace Gateway.Modem;

/// <summary>
/// One per node: a <see cref="GsmModule"/> for each module this node drives, and the place the
/// rest of the gateway addresses them (by module name: <see cref="SendSms"/>,
/// <see cref="ConfirmStored"/>, <see cref="GetModuleStatus"/>). It is the modules' back-off
/// supervisor: a module that fails stops itself (any exception in it stops it too), and the bank
/// reopens it after <see cref="Backoff.Delay"/> (reopen-backoff-min doubling to
/// reopen-backoff-max, reset once the module is ready again), unless the module says it needs an
/// operator (a SIM that refused its PIN). One bad modem never affects another: each has its own
/// actor, transport and timers. While a module is down a send to it is answered at once as
/// retryable, so routing can go elsewhere instead of waiting. It keeps the latest
/// <see cref="ModuleStatus"/> of each module, answers <see cref="GetModemBankStatus"/>, and
/// passes every change on to its subscribers (<see cref="SubscribeModuleStatus"/>).
/// </summary>
public sealed class ModemBank : ReceiveActor, IWithTimers
{
    /// <summary>Makes the transport for a module (serial, TCP or virtual).</summary>
    public delegate IModemTransport TransportFactory(ModuleSettings module);

    private sealed record Reopen(string Module);

    /// <summary>One module's place in the bank; owned by this actor only.</summary>
    private sealed class Slot(ModuleSettings settings, string actorName)
    {
        public ModuleSettings Settings { get; } = settings;
        public string ActorName { get; } = actorName;
        public IActorRef? Module { get; set; }

        /// <summary>The SIM's usage counter (modules with limits only); it outlives the module actor's restarts.</summary>
        public IActorRef? Usage { get; set; }
        public int Failures { get; set; }
        public ModuleStatus? Status { get; set; }
    }

    private readonly ModemSettings _timings;
    private readonly TimeProvider _time;
    private readonly TransportFactory _transports;
    private readonly IActorRef _owner;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, Slot> _byRef = new();
    private readonly HashSet<IActorRef> _subscribers = new();
    private readonly Random _jitter = new();

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="owner">Gets every module's received SMS and status reports (later: the SMS router).</param>
    /// <param name="time">The modules' clock for their usage counters (default the system clock).</param>
    public ModemBank(IEnumerable<ModuleSettings> modules, ModemSettings timings, TransportFactory transports, IActorRef owner, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _timings = timings;
        _transports = transports;
        _owner = owner;
        var index = 0;
        foreach (var module in modules)
            _slots[module.Name] = new Slot(module, ActorPath.IsValidPathElement(module.Name) ? module.Name : $"module-{index++}");

        Receive<SendSms>(OnSendSms);
        Receive<ConfirmStored>(c => Forward(c.Module, c));
        Receive<GetModuleStatus>(g =>
        {
            if (_slots.TryGetValue(g.Module, out var slot)) Sender.Tell(StatusOf(slot));
            else Sender.Tell(new Status.Failure(new ArgumentException($"no module \"{g.Module}\" on this node")));
        });
        Receive<GetModemBankStatus>(_ => Sender.Tell(Snapshot()));
        Receive<ModuleStatus>(OnModuleStatus);
        Receive<SubscribeModuleStatus>(s =>
        {
            if (_subscribers.Add(s.Subscriber)) Context.Watch(s.Subscriber);
            foreach (var status in Snapshot().Modules.Values) s.Subscriber.Tell(status);
        });
        Receive<UnsubscribeModuleStatus>(s =>
        {
            if (_subscribers.Remove(s.Subscriber)) Context.Unwatch(s.Subscriber);
        });
        Receive<ModuleStopping>(_ =>
        {
            // From here on sends are answered by the bank ("down"); the module answers what it already has, then stops.
            if (_byRef.TryGetValue(Sender, out var stopping)) stopping.Module = null;
            Sender.Tell(StopModule.Instance);
        });
        Receive<Terminated>(OnTerminated);
        Receive<Reopen>(r => Start(_slots[r.Module]));
    }

    /// <summary>The bank's answer to <see cref="ModuleStopping"/>: no more messages will be forwarded, stop now.</summary>
    public sealed class StopModule
    {
        public static StopModule Instance { get; } = new();

        private StopModule() { }
    }

    public static Props Props(IEnumerable<ModuleSettings> modules, ModemSettings timings, TransportFactory transports, IActorRef owner, TimeProvider? time = null) =>
        Akka.Actor.Props.Create(() => new ModemBank(modules.ToImmutableArray(), timings, transports, owner, time));

    /// <summary>A failing module stops (and is reopened under back-off); it is never restarted in place.</summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(e =>
        {
            _log.Error(e, "a module failed; it is stopped and reopened under back-off");
            return Directive.Stop;
        });

    protected override void PreStart()
    {
        _log.Info("modem bank: {0} module(s): {1}", _slots.Count, string.Join(", ", _slots.Values.Select(s => $"{s.Settings.Name} ({s.Settings.Endpoint})")));
        foreach (var slot in _slots.Values.Where(s => s.Settings.Limits != ModuleLimits.None))
        {
            // A journal that fails stops; its supervisor starts it again (reading the journal) after a back-off.
            var journal = ModuleUsageJournal.Props(slot.Settings.Name, _time.LocalTimeZone);
            slot.Usage = Context.ActorOf(BackoffSupervisor.Props(Akka.Pattern.Backoff.OnStop(journal, "journal",
                _timings.ReopenBackoffMin, _timings.ReopenBackoffMax, 0.2, maxNrOfRetries: -1)), "usage-" + slot.ActorName);
        }
        foreach (var slot in _slots.Values) Start(slot);
    }

    private void Start(Slot slot)
    {
        IModemTransport transport;
        try
        {
            transport = _transports(slot.Settings);
        }
        catch (Exception e)
        {
            // No transport can be made (e.g. a virtual module without a virtual network): an operator must fix it.
            slot.Status = DownStatus(slot, $"no transport: {e.Message}", needsOperator: true, reopenAt: null);
            _log.Error("{0}", slot.Status.Describe());
            Publish(slot.Status);
            return;
        }
        var module = Context.ActorOf(GsmModule.Props(slot.Settings, _timings, transport, _owner, Self, _time, slot.Usage), slot.ActorName);
        Context.Watch(module);
        slot.Module = module;
        _byRef[module] = slot;
    }

    private void OnSendSms(SendSms send)
    {
        if (!_slots.TryGetValue(send.Module, out var slot))
        {
            Sender.Tell(new SmsSendFailed(send.Module, send.JobId, [], $"no module \"{send.Module}\" on this node", Retryable: true));
            return;
        }
        if (slot.Module is null)
        {
            Sender.Tell(new SmsSendFailed(send.Module, send.JobId, [], $"module {send.Module} is down: {slot.Status?.LastError ?? "not started"}", Retryable: true));
            return;
        }
        slot.Module.Forward(send);
    }

    private void Forward(string module, object message)
    {
        if (_slots.TryGetValue(module, out var slot) && slot.Module is { } target) target.Forward(message);
        else _log.Debug("{0} for module {1}, which is not running; dropped (the SMS stays on the SIM and is offered again)", message.GetType().Name, module);
    }

    private void OnModuleStatus(ModuleStatus status)
    {
        if (!_byRef.TryGetValue(Sender, out var slot)) return; // from a module that has since been replaced
        if (status.State == ModuleState.Ready && slot.Failures > 0)
        {
            _log.Info("{0}: ready again after {1} failed attempt(s)", status.Module, slot.Failures);
            slot.Failures = 0;
        }
        slot.Status = status;
        Publish(status);
    }

    private void OnTerminated(Terminated terminated)
    {
        if (_subscribers.Remove(terminated.ActorRef)) return;
        if (!_byRef.Remove(terminated.ActorRef, out var slot)) return;
        // A module that crashed never said ModuleStopping: whatever was in its mailbox is lost,
        // so callers of SendSms must still guard with their own timeout.
        slot.Module = null;
        var last = slot.Status;
        var reason = last?.LastError ?? "stopped";
        if (last?.NeedsOperator == true)
        {
            slot.Status = DownStatus(slot, reason, needsOperator: true, reopenAt: null);
            _log.Error("{0}: not reopened: {1}", slot.Settings.Name, reason);
            Publish(slot.Status);
            return;
        }
        slot.Failures++;
        var delay = Backoff.Delay(slot.Failures, _timings.ReopenBackoffMin, _timings.ReopenBackoffMax, _jitter.NextDouble());
        slot.Status = DownStatus(slot, reason, needsOperator: false, reopenAt: DateTimeOffset.UtcNow + delay);
        _log.Warning("{0}: down ({1}); reopening in {2} (attempt {3})", slot.Settings.Name, reason, GsmModule.Format(delay), slot.Failures);
        Publish(slot.Status);
        Timers.StartSingleTimer("reopen:" + slot.Settings.Name, new Reopen(slot.Settings.Name), delay);
    }

    private static ModuleStatus DownStatus(Slot slot, string reason, bool needsOperator, DateTimeOffset? reopenAt)
    {
        var last = slot.Status;
        return new ModuleStatus(slot.Settings.Name, last?.Endpoint ?? slot.Settings.Endpoint, ModuleState.Down,
            last?.State == ModuleState.Down ? last.Since : DateTimeOffset.UtcNow,
            false, null, null, last?.Operator, 0, 0, 0, reason, needsOperator, reopenAt);
    }

    private void Publish(ModuleStatus status)
    {
        foreach (var subscriber in _subscribers) subscriber.Tell(status);
    }

    private ModemBankStatus Snapshot() => new(_slots.Values
        .Select(StatusOf)
        .ToImmutableSortedDictionary(s => s.Module, s => s, StringComparer.Ordinal));

    /// <summary>The module's last reported status; a module that has not reported yet is connecting.</summary>
    private static ModuleStatus StatusOf(Slot slot) => slot.Status
        ?? new ModuleStatus(slot.Settings.Name, slot.Settings.Endpoint, ModuleState.Connecting, DateTimeOffset.UtcNow, false, null, null, null, 0, 0, 0, null);
}

using Akka.Actor;
using Akka.Event;
using Gateway.Configuration;
using Gateway.Modem.At;
using Gateway.Modem.Transport;

namespace Gateway.Modem;

/// <summary>
/// The actor that drives one GSM modem: opens its transport, runs the start-up script, sends SMS
/// (AT+CMGS per part), reads received ones (+CMTI → AT+CMGR; AT+CMGL after every open) and hands
/// them to its owner, deletes them from the SIM only once the owner confirms they are stored,
/// matches status reports to sent parts, polls health, and publishes its <see cref="ModuleStatus"/>.
/// <code>
///                 open ok                  script done
///   Connecting ───────────► Initializing ──────────────► Idle ◄────────────────────┐
///       │                        │                      │  │ work queued           │ final result
///       │ open failed            │ refused / timeout    │  ├───► AwaitingResponse ─┤ (OK, ERROR, +CMS …)
///       ▼                        ▼                      │  │                       │
///    Closing ◄───────────────────┴──────────────────────┘  └───► AwaitingPrompt ───┘
///       │   link lost, N timeouts in a row           AT+CMGS      │ "> " → PDU + Ctrl-Z
///       ▼                                                         └──► AwaitingResponse
///    stopped: the bank reopens it after a back-off
/// </code>
/// One AT command is in flight at a time (<see cref="AtExchange"/>), each with its own timeout.
/// Unsolicited codes (+CMTI, +CMT, +CDS, +CDSI, RING, +CREG) are handled in every state. Work
/// waits in two queues: receive-side work (reads, deletes, acknowledgements, health polls) goes
/// before the next send part, so a busy sender never starves the SIM. Send jobs wait in an
/// explicit bounded queue rather than the stash, so their number is part of the status routing
/// reads. Sending limits (<c>modules.&lt;name&gt;.limits</c>) are enforced here, the one place every
/// send to the SIM passes (<c>GsmModule.Limits.cs</c>). Nothing here blocks: the transport's read loop (<see cref="ModemLink"/>) turns bytes
/// into <see cref="ModemLink.LineReceived"/> messages, and writes are asynchronous. A module that cannot go on closes its link (within <c>close-timeout</c>) and stops;
/// its parent (<see cref="ModemBank"/>) reopens it under back-off, so one bad modem never holds up another.
/// </summary>
public sealed partial class GsmModule : ReceiveActor, IWithTimers
{
    private enum Phase { Connecting, Initializing, Idle, AwaitingPrompt, AwaitingResponse, Closing }

    private sealed record Opened(Stream Stream);
    private sealed record OpenFailed(string Reason);
    private sealed record CommandTimedOut(int Seq);
    private sealed record Closed(bool InTime);

    /// <summary>What the command in flight is for, which decides what its result does.</summary>
    private abstract record Purpose;

    /// <summary>An AT command waiting its turn, with its purpose.</summary>
    private sealed record Work(AtCommand Command, Purpose Purpose);

    /// <summary>The one command the modem is working on.</summary>
    private sealed record InFlight(AtCommand Command, Purpose Purpose, int Seq, bool PduWritten = false);

    private const string CommandTimer = "command";

    private readonly ModuleSettings _module;
    private readonly ModemSettings _timings;
    private readonly IModemTransport _transport;
    private readonly IActorRef _owner;
    private readonly IActorRef? _statusListener;
    private readonly TimeProvider _time;
    private readonly IActorRef? _usageJournalGiven;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _lifetime = new();

    private Phase _phase = Phase.Connecting;
    private ModemLink? _link;
    private AtExchange _exchange = AtExchange.Idle;
    private InFlight? _inFlight;
    private int _seq;
    private int _consecutiveTimeouts;
    private bool _resync;
    private bool _stoppedFromOutside;
    private ModemInit? _init;
    private InitFacts _facts = InitFacts.Empty;
    private readonly Queue<Work> _work = new();

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="owner">Gets received SMS (<see cref="SmsReceived"/>, <see cref="UndecodableSmsReceived"/>) and <see cref="StatusReportReceived"/>.</param>
    /// <param name="statusListener">Gets every <see cref="ModuleStatus"/> change, including the last one when the module stops (the bank).</param>
    /// <param name="time">The clock of the SIM's usage counters (its local zone is the calendar of daily and monthly limits).</param>
    /// <param name="usageJournal">The SIM's <see cref="ModuleUsageJournal"/> (the bank's); null = the module keeps its own when it has limits.</param>
    public GsmModule(ModuleSettings module, ModemSettings timings, IModemTransport transport, IActorRef owner, IActorRef? statusListener, TimeProvider time,
        IActorRef? usageJournal)
    {
        _module = module;
        _timings = timings;
        _transport = transport;
        _owner = owner;
        _statusListener = statusListener;
        _time = time;
        _usageJournalGiven = usageJournal;
        Become(Connecting);
    }

    public static Props Props(ModuleSettings module, ModemSettings timings, IModemTransport transport, IActorRef owner, IActorRef? statusListener = null,
        TimeProvider? time = null, IActorRef? usageJournal = null) =>
        Akka.Actor.Props.Create(() => new GsmModule(module, timings, transport, owner, statusListener, time ?? TimeProvider.System, usageJournal));

    private string Name => _module.Name;

    // ───────────────────────────── behaviours ─────────────────────────────

    private void Connecting()
    {
        Receive<Opened>(OnOpened);
        Receive<OpenFailed>(f => Die($"cannot open {_transport.Endpoint}: {f.Reason}"));
        Common();
    }

    private void Initializing()
    {
        Receive<ModemLink.LineReceived>(m => OnLine(m.Line, onCompleted: ContinueInit, onPrompt: null));
        Receive<CommandTimedOut>(t => t.Seq == _inFlight?.Seq, t => Die($"start-up: no answer to {_inFlight!.Command} within {Format(_timings.CommandTimeout)}"));
        Common();
    }

    private void Idle()
    {
        Receive<ModemLink.LineReceived>(m => OnLine(m.Line, onCompleted: null, onPrompt: null));
        Common();
    }

    private void AwaitingPrompt()
    {
        Receive<ModemLink.LineReceived>(m => OnLine(m.Line, onCompleted: OnWorkCompleted, onPrompt: WritePdu));
        Receive<CommandTimedOut>(t => t.Seq == _inFlight?.Seq, _ => OnWorkTimedOut());
        Common();
    }

    private void AwaitingResponse()
    {
        Receive<ModemLink.LineReceived>(m => OnLine(m.Line, onCompleted: OnWorkCompleted, onPrompt: null));
        Receive<CommandTimedOut>(t => t.Seq == _inFlight?.Seq, _ => OnWorkTimedOut());
        Common();
    }

    private void Closing()
    {
        Receive<Closed>(c =>
        {
            if (!c.InTime) _log.Warning("{0}: closing {1} took longer than {2}; abandoned", Name, _transport.Endpoint, Format(_timings.CloseTimeout));
            // Stopping at once would lose sends the bank has already forwarded (they would go to
            // dead letters unanswered). Ask the bank to stop forwarding first; everything it
            // forwarded before its StopModule arrives is still answered below.
            if (_statusListener is null) Context.Stop(Self);
            else
            {
                _statusListener.Tell(new ModuleStopping(Name), Self);
                Timers.StartSingleTimer("stop-fallback", ModemBank.StopModule.Instance, _timings.CloseTimeout);
            }
        });
        Receive<ModemBank.StopModule>(_ => Context.Stop(Self));
        Receive<SendSms>(s => Sender.Tell(new SmsSendFailed(Name, s.JobId, [], $"module {Name} is going down: {_lastError}", Retryable: true)));
        StatusHandlers();
        ReceiveAny(m => _log.Debug("{0}: closing, ignored {1}", Name, m.GetType().Name));
    }

    /// <summary>What every open state handles the same way.</summary>
    private void Common()
    {
        Receive<SendSms>(OnSendSms);
        Receive<SentRecorded>(OnSentRecorded);
        Receive<RecordWaitOver>(OnRecordWaitOver);
        Receive<ConfirmStored>(OnConfirmStored);
        Receive<ReofferDue>(OnReofferDue);
        Receive<HealthTick>(_ => OnHealthTick());
        Receive<ModemLink.LinkLost>(l => Die(l.Reason));
        Receive<CommandTimedOut>(_ => { }); // for a command already finished: the timer raced its result
        UsageHandlers();
        StatusHandlers();
    }

    private void Enter(Phase phase)
    {
        _phase = phase;
        switch (phase)
        {
            case Phase.Connecting: Become(Connecting); break;
            case Phase.Initializing: Become(Initializing); break;
            case Phase.Idle: Become(Idle); break;
            case Phase.AwaitingPrompt: Become(AwaitingPrompt); break;
            case Phase.AwaitingResponse: Become(AwaitingResponse); break;
            case Phase.Closing: Become(Closing); break;
        }
        PublishStatus();
    }

    // ───────────────────────────── life cycle ─────────────────────────────

    protected override void PreStart()
    {
        _log.Info("{0}: opening {1}", Name, _transport.Endpoint);
        StartUsage();
        PublishStatus();
        OpenTransport().PipeTo(Self, success: s => new Opened(s), failure: e => new OpenFailed(Describe(e)));
    }

    private async Task<Stream> OpenTransport()
    {
        var token = _lifetime.Token;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(token);
        limit.CancelAfter(_timings.OpenTimeout);
        var open = _transport.OpenAsync(limit.Token);
        try
        {
            var stream = await open.WaitAsync(_timings.OpenTimeout, token);
            if (token.IsCancellationRequested)
            {
                await stream.DisposeAsync();
                throw new OperationCanceledException("the module stopped while its transport opened");
            }
            return stream;
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && !token.IsCancellationRequested))
        {
            // An open that finishes after we gave up must not leak the port.
            _ = open.ContinueWith(t => t.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
            throw new TimeoutException($"not open within {Format(_timings.OpenTimeout)}");
        }
    }

    private void OnOpened(Opened opened)
    {
        _link = ModemLink.Start(opened.Stream, Self);
        _log.Info("{0}: {1} open; initializing", Name, _transport.Endpoint);
        var (init, first) = ModemInit.Start(_module.Pin, _module.ExtraInit);
        _init = init;
        Enter(Phase.Initializing);
        Issue(new Work(first, InitPurpose.Instance));
    }

    private void ContinueInit(InFlight step, AtResult result)
    {
        switch (_init!.Next(result))
        {
            case InitOutcome.Continue c:
                _init = c.Next;
                Issue(new Work(c.Command, InitPurpose.Instance));
                break;
            case InitOutcome.Done done:
                _init = null;
                _facts = done.Facts;
                foreach (var warning in done.Facts.Warnings) _log.Warning("{0}: {1}", Name, warning);
                if (!done.Facts.Indications) _log.Warning("{0}: no new-message indications; the SIM is listed on every health poll instead", Name);
                _registration = done.Facts.Registration;
                _rssi = done.Facts.Rssi;
                _operator = done.Facts.Operator;
                Timers.StartPeriodicTimer(HealthTimer, HealthTick.Instance, _timings.HealthInterval);
                _listWanted = true; // SMS that arrived while nobody listened are on the SIM
                Enter(Phase.Idle);
                EnqueueListIfWanted();
                DispatchIfIdle();
                break;
            case InitOutcome.Failed failed:
                Die($"start-up failed at {step.Command}: {failed.Reason}", failed.NeedsOperator);
                break;
        }
    }

    /// <summary>Closes the link within the time limit and stops; the bank decides about reopening.</summary>
    private void Die(string reason, bool needsOperator = false)
    {
        if (_phase == Phase.Closing) return;
        _lastError = reason;
        _needsOperator = needsOperator;
        Timers.CancelAll();
        FailAllSends($"module {Name} went down: {reason}");
        Enter(Phase.Closing);
        var link = _link;
        _link = null;
        if (link is null) Self.Tell(new Closed(true));
        else link.CloseAsync(_timings.CloseTimeout).PipeTo(Self, success: inTime => new Closed(inTime), failure: _ => new Closed(true));
    }

    protected override void PostStop()
    {
        _lifetime.Cancel();
        if (_link is { } link)
        {
            _link = null;
            _ = link.CloseAsync(_timings.CloseTimeout);
        }
        FailAllSends($"module {Name} stopped");
        if (_phase != Phase.Closing)
        {
            // Stopped from outside (the node shutting down): not a failure, so not logged as one.
            _stoppedFromOutside = true;
            _lastError ??= "stopped";
            _phase = Phase.Closing;
            PublishStatus();
        }
    }

    // ───────────────────────────── AT plumbing ─────────────────────────────

    /// <summary>Writes a command and starts its timeout. The caller enters the matching phase.</summary>
    private void Issue(Work work)
    {
        _exchange = _exchange.Start(work.Command);
        _inFlight = new InFlight(work.Command, work.Purpose, ++_seq);
        LogOut(work.Command.Text);
        _link!.Write(work.Command.Text + "\r");
        var timeout = work.Command.ExpectsPrompt || work.Purpose is not SendPartPurpose ? _timings.CommandTimeout : _timings.SendTimeout;
        Timers.StartSingleTimer(CommandTimer, new CommandTimedOut(_seq), timeout);
    }

    /// <summary>
    /// Starts the next piece of work if the modem is free: a resynchronising <c>AT</c> after a
    /// timeout first, then receive-side work, then the next send part.
    /// </summary>
    private void DispatchIfIdle()
    {
        if (_phase != Phase.Idle) return;
        Work? next;
        if (_resync)
        {
            _resync = false;
            next = new Work(new AtCommand("AT", null), SyncPurpose.Instance);
        }
        else next = _work.Count > 0 ? _work.Dequeue() : NextSendPart();
        if (next is null) return;
        Issue(next);
        Enter(next.Command.ExpectsPrompt ? Phase.AwaitingPrompt : Phase.AwaitingResponse);
    }

    private void OnLine(FramedLine frame, Action<InFlight, AtResult>? onCompleted, Action? onPrompt)
    {
        LogIn(frame);
        var headerBefore = _exchange.PendingTwoLineHeader;
        var (next, ev) = _exchange.Feed(frame);
        _exchange = next;
        if (headerBefore is not null && ev is not AtEvent.UnsolicitedReceived { Code: MessageDelivered or StatusReportDelivered })
            _log.Warning("{0}: \"{1}\" was not followed by its PDU; nothing to hand on", Name, headerBefore);

        switch (ev)
        {
            case AtEvent.Completed completed:
                var inFlight = _inFlight!;
                _inFlight = null;
                Timers.Cancel(CommandTimer);
                _consecutiveTimeouts = 0;
                if (onCompleted is null)
                    _log.Warning("{0}: {1} completed in an unexpected state {2}", Name, completed.Command, _phase);
                else
                    onCompleted(inFlight, completed.Result);
                break;
            case AtEvent.PromptReceived:
                onPrompt?.Invoke();
                break;
            case AtEvent.UnsolicitedReceived urc:
                OnUnsolicited(urc.Code);
                break;
            case AtEvent.Ignored ignored when ignored.Why != "echo":
                _log.Debug("{0}: ignored \"{1}\": {2}", Name, AtLog.Redact(ignored.Line), ignored.Why);
                break;
        }
    }

    private void OnWorkCompleted(InFlight done, AtResult result)
    {
        Enter(Phase.Idle);
        Handle(done, result);
        DispatchIfIdle();
    }

    private void OnWorkTimedOut()
    {
        var timedOut = _inFlight!;
        _inFlight = null;
        _exchange = _exchange.Abandon();
        _consecutiveTimeouts++;
        if (timedOut.Command.ExpectsPrompt && !timedOut.PduWritten)
        {
            LogOut("<ESC>");
            _link?.Write(AtCommand.Escape.ToString()); // leave the prompt, or the next command becomes PDU text
        }
        var limit = timedOut.PduWritten ? _timings.SendTimeout : _timings.CommandTimeout;
        var what = $"no answer to {timedOut.Command} within {Format(limit)}";
        Enter(Phase.Idle);
        HandleTimeout(timedOut, what);
        if (_consecutiveTimeouts >= _timings.DeadAfterTimeouts)
        {
            Die($"the modem is silent: {_consecutiveTimeouts} commands in a row unanswered (last: {timedOut.Command})");
            return;
        }
        _log.Warning("{0}: {1}", Name, what);
        // The modem may still answer the abandoned command; a bare AT sent first soaks up that late
        // answer, so it is not taken for the result of the next real command.
        _resync = true;
        DispatchIfIdle();
    }

    /// <summary>The result of a command, by what it was for.</summary>
    private void Handle(InFlight done, AtResult result)
    {
        switch (done.Purpose)
        {
            case SendPartPurpose send: OnPartResult(send, result); break;
            case PollPurpose poll: OnPollResult(poll, result); break;
            case ListPurpose: OnListResult(result); break;
            case ReadPurpose read: OnReadResult(read, result); break;
            case DeletePurpose delete: OnDeleteResult(delete, result); break;
            case AcknowledgePurpose:
                if (!result.IsOk) _log.Debug("{0}: AT+CNMA answered {1}", Name, result.Final.Describe());
                break;
            case SyncPurpose when result.Lines.Length > 0:
                _log.Debug("{0}: a late answer was soaked up after a timeout: {1}", Name, string.Join(" | ", result.Lines));
                break;
        }
    }

    private void HandleTimeout(InFlight timedOut, string what)
    {
        switch (timedOut.Purpose)
        {
            case SendPartPurpose:
                if (timedOut.PduWritten) CountPartSent(); // it may have gone: count it against the plan
                FinishSending(failure: (what + (timedOut.PduWritten ? "; the part may have been sent" : ""), true));
                break;
            case ReadPurpose read:
                _readsPending.Remove(read.Index);
                _listWanted = true;
                break;
            case ListPurpose:
                _listQueued = false;
                _listWanted = true;
                break;
            case DeletePurpose { ReceiptId: { } receiptId } when _receipts.TryGetValue(receiptId, out var receipt):
                receipt.DeleteQueued = false;
                break;
            case PollPurpose { Kind: PollKind.Operator }:
                _pollQueued = false;
                break;
        }
    }

    private void LogOut(string text)
    {
        if (_log.IsDebugEnabled) _log.Debug("{0} >> {1}", Name, AtLog.Redact(text));
    }

    private void LogIn(FramedLine frame)
    {
        if (_log.IsDebugEnabled) _log.Debug("{0} << {1}", Name, AtLog.Redact(frame.ToString()));
    }

    private static string Describe(Exception e)
    {
        var inner = e is AggregateException { InnerException: { } i } ? i : e;
        return $"{inner.GetType().Name}: {inner.Message}";
    }

    internal static string Format(TimeSpan t) => ConfigValues.FormatDuration(t);

    private sealed record InitPurpose : Purpose
    {
        public static InitPurpose Instance { get; } = new();
    }

    /// <summary>A bare AT after a timeout, to re-align commands and answers.</summary>
    private sealed record SyncPurpose : Purpose
    {
        public static SyncPurpose Instance { get; } = new();
    }
}

using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Gateway.AutoClip;
using Gateway.Configuration;
using Gateway.Mailbox;
using Gateway.Modem;
using Gateway.Sms;

namespace Gateway.Routing;

/// <summary>
/// One outgoing job, from the mailbox's offer until every record of its outcome is acknowledged.
/// A child of the <see cref="SmsRouter"/>, which chooses modules; this actor owns the job's
/// timers, its retries and its records.
/// <code>
///   LookingUpSticky ──► Choosing ──granted──► Sending ──SmsSent──► Finishing ──all acknowledged──► stopped
///                        ▲   │ no module          │ failed / no answer (retryable)
///                        │   ▼                    ▼
///                        └─ BackingOff ◄──── (policy: another module now, or wait)
///   permanent failure, attempts exhausted, no module for no-module-wait, no rule ──► Finishing (failed + bounce)
/// </code>
/// Records, each sent again until acknowledged (<see cref="Acknowledgements"/>): the job's
/// progress in the mailbox, in order (sending, then sent or failed); after a send the parts in the
/// module's sent-parts index (when status reports are asked for) and the AutoCLIP record; a bounce
/// after a failure, a "sent" notice for <c>notify = all</c> users when there are no status reports.
/// With <c>modem.hold-until-recorded</c>, once the "sent" step is stored the module that sent it is
/// told (<see cref="SentRecorded"/>): it starts no other job before, so a crash leaves at most one
/// SMS per module to be sent again.
/// Every send is guarded by the job's own time limit: a module on a node that dies never answers.
/// </summary>
internal sealed class OutgoingJob : ReceiveActor, IWithTimers
{
    private sealed class StickyTimedOut
    {
        public static readonly StickyTimedOut Instance = new();
    }

    private sealed class ChooseAgain
    {
        public static readonly ChooseAgain Instance = new();
    }

    private sealed record SendTimedOut(int Attempt, TimeSpan Limit);

    private const string StickyTimer = "sticky";
    private const string BackoffTimer = "backoff";
    private const string GuardTimer = "guard";
    private const string ProgressKey = "progress";
    private const string AutoClipKey = "autoclip";
    private const string IndexKey = "index";
    private const string MailKey = "mail";

    private readonly OutgoingSms _job;
    private readonly RoutingContext _ctx;
    private readonly SendingSettings _sending;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Random _jitter = new();
    private readonly Queue<JobStatus> _progress = new();
    private Acknowledgements _acks = null!;

    private ImmutableArray<string> _groups;
    private IReadOnlyList<SmsSubmit> _parts = [];
    private string _text = "";
    private string? _sticky;
    private JobAttempts _attempts = JobAttempts.Start;
    private string? _module;     // the module of the send under way
    private int _attempt;        // numbers sends, so a stale guard timer is recognised
    private bool _granted;       // holding a grant the router counts against the module's window
    private bool _finished;      // sent or failed: only its records are left
    private (IActorRef Actor, string Name)? _sentBy; // the module that sent it, waiting to hear that the "sent" step is stored

    public ITimerScheduler Timers { get; set; } = null!;

    public OutgoingJob(OutgoingSms job, RoutingContext ctx)
    {
        _job = job;
        _ctx = ctx;
        _sending = ctx.Settings.Routing.Sending;
        Become(LookingUpSticky);
    }

    public static Props Props(OutgoingSms job, RoutingContext ctx) => Akka.Actor.Props.Create(() => new OutgoingJob(job, ctx));

    private string Who => $"job {_job.JobId} of {_job.User} to {_job.Destination}";

    protected override void PreStart()
    {
        _acks = new Acknowledgements(Who, Self, Timers, _sending, _log);
        if (Prepare() is { } problem)
        {
            Fail(problem);
            return;
        }
        if (_ctx.Links.AutoClip is { } autoClip)
        {
            autoClip.Tell(new LookupStickyModule(_job.User, _job.Destination));
            Timers.StartSingleTimer(StickyTimer, StickyTimedOut.Instance, _sending.StickyLookupTimeout);
        }
        else Self.Tell(StickyTimedOut.Instance);
    }

    /// <summary>The route and the SMS parts; the reason the job cannot go, if it cannot.</summary>
    private string? Prepare()
    {
        var local = OutgoingRules.LocalTime(_job.AcceptedAt, _ctx.Time.LocalTimeZone);
        switch (_ctx.Rules.Decide(_job.User, _job.Destination, _job.Text, local))
        {
            case RouteDecision.Refused refused:
                return refused.Reason;
            case RouteDecision.Route route:
                _groups = route.Groups;
                _text = route.Text!;
                break;
        }
        if (!PhoneNumber.TryParse(_job.Destination, _ctx.Settings.Mail.DefaultCountryCode, out var number, out var numberError))
            return $"{_job.Destination} is not a phone number: {numberError!.Message}";
        var sms = _ctx.Settings.Sms;
        if (!TextPlanner.TryPlan(_text, new SmsEncodingOptions(sms.AllowUnicode, sms.AllowConcatenation, sms.MaxParts), out var plan, out var planError))
            return planError!.Message;
        _parts = TextPlanner.ToSubmits(plan!, SmsAddress.International(number), ConcatReference(_job.JobId), sms.RequestStatusReports, sms.ValidityPeriod);
        return null;
    }

    // ───────────────────────────── behaviours ─────────────────────────────

    private void LookingUpSticky()
    {
        Receive<StickyModule>(s => s.User == _job.User && s.Number == _job.Destination, s =>
        {
            Timers.Cancel(StickyTimer);
            _sticky = s.Module;
            if (_sticky is not null) _log.Debug("{0}: AutoCLIP prefers {1}", Who, _sticky);
            Choose();
        });
        Receive<StickyTimedOut>(_ =>
        {
            if (_ctx.Links.AutoClip is not null)
                _log.Warning("{0}: AutoCLIP did not name a module within {1}; routed without it", Who, ConfigValues.FormatDuration(_sending.StickyLookupTimeout));
            Choose();
        });
        Records();
    }

    private void Choosing()
    {
        Receive<ModuleGranted>(g =>
        {
            _granted = true;
            Send(g);
        });
        Receive<NoModule>(n => Apply(_ctx.Policy.AfterUnavailable(_attempts, n.Why, _ctx.Time.GetUtcNow(), _jitter.NextDouble())));
        LateAnswers();
        Records();
    }

    private void BackingOff()
    {
        Receive<ChooseAgain>(_ => Choose());
        LateAnswers();
        Records();
    }

    private void Sending()
    {
        Receive<SmsSent>(s => s.JobId == _job.JobId && s.Module == _module, OnSent);
        Receive<SmsSendFailed>(f => f.JobId == _job.JobId && f.Module == _module, f =>
        {
            ReturnModule();
            if (f.PartsSent > 0)
                _log.Warning("{0}: {1} sent {2} of {3} part(s) before failing; sent again, the phone may get them twice", Who, f.Module, f.PartsSent, _parts.Count);
            if (!f.ModuleAtLimit) _log.Info("{0}: {1} failed ({2}): {3}", Who, f.Module, f.Retryable ? "retryable" : "permanent", f.Reason);
            Apply(_ctx.Policy.AfterFailure(_attempts, f.Module, f.Reason, f.Retryable, f.ModuleAtLimit));
        });
        Receive<SendTimedOut>(t => t.Attempt == _attempt, t =>
        {
            var module = _module!;
            ReturnModule();
            var reason = $"no answer within {ConfigValues.FormatDuration(t.Limit)}; it may have been sent";
            _log.Warning("{0}: {1}: {2}", Who, module, reason);
            Apply(_ctx.Policy.AfterFailure(_attempts, module, reason, retryable: true, moduleAtLimit: false));
        });
        LateAnswers();
        Records();
    }

    private void Finishing()
    {
        LateAnswers();
        Records();
    }

    /// <summary>Answers to earlier sends that arrive after the job moved on: logged; a late success ends a wait.</summary>
    private void LateAnswers()
    {
        Receive<SmsSent>(s => s.JobId == _job.JobId, s =>
        {
            if (_module is null && !_granted && !_finished)
            {
                // Waiting (after a guard timeout) and the module did send it after all: that is the outcome.
                _log.Info("{0}: {1} answered after its time limit: sent after all", Who, s.Module);
                Timers.Cancel(BackoffTimer);
                _module = s.Module;
                _attempt++;
                OnSent(s);
                return;
            }
            _log.Warning("{0}: {1} also sent it (an answer after the job had moved on); the phone may get it twice", Who, s.Module);
        });
        Receive<SmsSendFailed>(f => f.JobId == _job.JobId, f => _log.Debug("{0}: late failure from {1}: {2}", Who, f.Module, f.Reason));
        Receive<SendTimedOut>(_ => { });
        Receive<StickyModule>(_ => { });
        Receive<StickyTimedOut>(_ => { });
        Receive<ChooseAgain>(_ => { });
        Receive<ModuleGranted>(_ => Context.Parent.Tell(new ModuleReturned(_job.JobId))); // granted while no longer choosing: give it back
        Receive<NoModule>(_ => { });
    }

    // ───────────────────────────── choosing and sending ─────────────────────────────

    private void Choose()
    {
        Context.Parent.Tell(new NeedModule(_job.JobId, new ModuleRequest(_groups, _sticky, _attempts.Tried, _parts.Count)));
        Become(Choosing);
    }

    private void Apply(RetryStep step)
    {
        switch (step)
        {
            case RetryStep.TryAgain again:
                _attempts = again.Next;
                Choose();
                break;
            case RetryStep.Wait wait:
                _attempts = wait.Next;
                _log.Info("{0}: no module can take it now; trying again in {1}", Who, ConfigValues.FormatDuration(wait.Delay));
                Timers.StartSingleTimer(BackoffTimer, ChooseAgain.Instance, wait.Delay);
                Become(BackingOff);
                break;
            case RetryStep.GiveUp giveUp:
                Fail(giveUp.Reason);
                break;
        }
    }

    private void Send(ModuleGranted g)
    {
        _module = g.Module;
        _attempt++;
        _attempts = RetryPolicy.Dispatched(_attempts);
        _ctx.Links.Modules.SendTarget(g.Module).Tell(new SendSms(g.Module, _job.JobId, _parts, RecordFollows: _ctx.Settings.Modem.HoldUntilRecorded));
        var limit = GuardFor(g.Module, g.PartsAhead);
        Timers.StartSingleTimer(GuardTimer, new SendTimedOut(_attempt, limit), limit);
        RecordProgress(JobStatus.Sending(g.Module, _ctx.Time.GetUtcNow()));
        _log.Debug("{0}: handed to {1} ({2}{3}, attempt {4})", Who, g.Module, g.Group, g.Sticky ? ", AutoCLIP" : "", _attempts.Attempts);
        Become(Sending);
    }

    /// <summary>
    /// The job's own limit on a send: every part ahead of it and its own may take a command and a
    /// send timeout (and the module's pacing), plus the configured margin.
    /// </summary>
    private TimeSpan GuardFor(string module, int partsAhead)
    {
        var modem = _ctx.Settings.Modem;
        var pacing = _ctx.Settings.Modules.TryGetValue(module, out var m) ? m.Limits.MinInterval : TimeSpan.Zero;
        return (modem.CommandTimeout + modem.SendTimeout + pacing) * (_parts.Count + partsAhead) + _sending.SendGuardMargin;
    }

    private void ReturnModule()
    {
        Timers.Cancel(GuardTimer);
        if (_granted) Context.Parent.Tell(new ModuleReturned(_job.JobId));
        _granted = false;
        _module = null;
    }

    private void OnSent(SmsSent sent)
    {
        var module = sent.Module;
        ReturnModule();
        _finished = true;
        if (_ctx.Settings.Modem.HoldUntilRecorded) _sentBy = (Sender, module);
        var now = _ctx.Time.GetUtcNow();
        _log.Info("{0}: sent via {1} ({2} part(s), TP-MR {3})", Who, module, _parts.Count, string.Join(",", sent.MessageReferences));
        RecordProgress(JobStatus.Sent(module, sent.MessageReferences, now));
        if (_ctx.Settings.Sms.RequestStatusReports)
            _acks.Send(IndexKey, Context.Parent, new RecordSentParts(module,
                new PartsSent(_job.User, _job.JobId, _job.Destination, PartsSent.PreviewOf(_text), sent.MessageReferences, now)));
        else if (_ctx.Settings.Users.TryGetValue(_job.User, out var user) && JobMailComposer.Wants(user.Notify, JobMailKind.Sent))
            DeliverMail(JobMailKind.Sent, $"sent via {module}", module, now, PartsSent.PreviewOf(_text));
        if (_ctx.Links.AutoClip is { } autoClip)
            _acks.Send(AutoClipKey, autoClip, new RecordAutoClip(_job.Destination, module, _job.User, now));
        FinishIfDone();
    }

    private void Fail(string reason)
    {
        ReturnModule();
        Timers.Cancel(BackoffTimer);
        Timers.Cancel(StickyTimer);
        _finished = true;
        var now = _ctx.Time.GetUtcNow();
        _log.Warning("{0}: failed: {1}; a bounce goes to the user's mailbox", Who, reason);
        RecordProgress(JobStatus.Failed(reason, now));
        DeliverMail(JobMailKind.Bounce, reason, null, now, _job.Text);
        FinishIfDone();
    }

    private void DeliverMail(JobMailKind kind, string detail, string? module, DateTimeOffset at, string text)
    {
        if (!_ctx.Settings.Users.TryGetValue(_job.User, out var user))
        {
            _log.Error("{0}: user {1} is no longer configured; no {2} e-mail", Who, _job.User, kind.ToString().ToLowerInvariant());
            return;
        }
        var facts = new JobMailFacts(_job.JobId, _job.Destination, module, detail, at, text, _job.AcceptedAt, _job.MessageId, _job.Subject);
        var mail = JobMailComposer.Compose(kind, facts, user, _ctx.Settings.Routing.Notifications, _ctx.Settings.Mail.Domain);
        _acks.Send(MailKey, _ctx.Links.Mailboxes, new DeliverMail(_job.User, JobMailComposer.DeliveryId(kind, _job.JobId), mail));
    }

    // ───────────────────────────── records ─────────────────────────────

    /// <summary>Progress goes to the mailbox one step at a time, in order: a step is sent once the one before is stored.</summary>
    private void RecordProgress(JobStatus status)
    {
        _progress.Enqueue(status);
        if (_progress.Count == 1) _acks.Send(ProgressKey, _ctx.Links.Mailboxes, new RecordJobProgress(_job.User, _job.JobId, status));
    }

    /// <summary>The step at the head is stored (or given up): the next one goes.</summary>
    private void ProgressDone()
    {
        _acks.Acknowledged(ProgressKey);
        if (_progress.Count > 0 && _progress.Dequeue().State == JobState.Sent) TellSentRecorded();
        if (_progress.TryPeek(out var next)) _acks.Send(ProgressKey, _ctx.Links.Mailboxes, new RecordJobProgress(_job.User, _job.JobId, next));
        FinishIfDone();
    }

    private void Records()
    {
        Receive<JobProgressRecorded>(r => r.JobId == _job.JobId, r =>
        {
            if (!_progress.TryPeek(out var head) || head.State != r.State) return; // an answer to an earlier try
            ProgressDone();
        });
        Receive<JobProgressRefused>(r => r.JobId == _job.JobId, r =>
        {
            _acks.Refused(ProgressKey, r.Reason);
            if (!_acks.IsPending(ProgressKey)) ProgressDone(); // given up: go on with the next step
        });
        Receive<SentPartsRecorded>(r => r.JobId == _job.JobId, _ => Done(IndexKey));
        Receive<AutoClipRecorded>(r => r.Number == _job.Destination, _ => Done(AutoClipKey));
        Receive<MailStored>(_ => Done(MailKey));
        Receive<MailboxFull>(f =>
        {
            _acks.Refused(MailKey, $"the mailbox is full: {f.Reason}");
            FinishIfDone();
        });
        Receive<DeliveryFailed>(f =>
        {
            _acks.Refused(MailKey, f.Reason);
            FinishIfDone();
        });
        Receive<NoSuchMailbox>(n =>
        {
            _log.Error("{0}: user {1} has no mailbox; its records are dropped", Who, n.User);
            _acks.Acknowledged(ProgressKey);
            _acks.Acknowledged(MailKey);
            _progress.Clear();
            TellSentRecorded(); // nothing more will be stored; the module need not wait
            FinishIfDone();
        });
        Receive<AckDue>(due => _acks.OnDue(due));
    }

    /// <summary>The module that sent the job may start its next one: the "sent" step is stored (or will never be).</summary>
    private void TellSentRecorded()
    {
        if (_sentBy is not { } sentBy) return;
        sentBy.Actor.Tell(new SentRecorded(sentBy.Name, _job.JobId));
        _sentBy = null;
    }

    private void Done(string key)
    {
        _acks.Acknowledged(key);
        FinishIfDone();
    }

    private void FinishIfDone()
    {
        if (!_finished) return;
        if (_acks.Count > 0 || _progress.Count > 0)
        {
            Become(Finishing);
            return;
        }
        Context.Parent.Tell(new JobDone(_job.JobId));
        Context.Stop(Self);
    }

    /// <summary>The 8-bit concatenation reference of a job: the same on every attempt, spread over 0–255.</summary>
    internal static byte ConcatReference(string jobId)
    {
        var hash = 2166136261u;
        foreach (var c in jobId) hash = (hash ^ c) * 16777619u;
        return (byte)(hash ^ (hash >> 8) ^ (hash >> 16) ^ (hash >> 24));
    }
}

using Akka.Actor;
using Akka.Event;
using Gateway.Mailbox;

namespace Gateway.Routing;

/// <summary>
/// Writes what the status reports decided about one job into the user's mailbox: the job's
/// progress (delivered, or failed with the report's reason) and, if the user's <c>notify</c>
/// setting asks for it, a notice e-mail. Each record is sent again until acknowledged; a refusal
/// (the job not yet marked sent: the report outran the sender's own record) is retried after a
/// back-off. When both are done it tells its parent (the module's <see cref="SentPartsIndex"/>),
/// which then stores the outcome as reported, and stops.
/// </summary>
internal sealed class JobOutcomeReporter : ReceiveActor, IWithTimers
{
    private const string ProgressKey = "progress";
    private const string MailKey = "mail";

    private readonly JobResolution _owed;
    private readonly RoutingContext _ctx;
    private readonly object _whenDone;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private Acknowledgements _acks = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(JobResolution owed, RoutingContext ctx, object whenDone) =>
        Akka.Actor.Props.Create(() => new JobOutcomeReporter(owed, ctx, whenDone));

    public JobOutcomeReporter(JobResolution owed, RoutingContext ctx, object whenDone)
    {
        _owed = owed;
        _ctx = ctx;
        _whenDone = whenDone;

        Receive<JobProgressRecorded>(r => r.JobId == _owed.JobId, _ => Done(ProgressKey));
        Receive<JobProgressRefused>(r => r.JobId == _owed.JobId, r =>
        {
            _acks.Refused(ProgressKey, r.Reason);
            StopIfDone();
        });
        Receive<MailStored>(_ => Done(MailKey));
        Receive<MailboxFull>(f =>
        {
            _acks.Refused(MailKey, $"the mailbox is full: {f.Reason}");
            StopIfDone();
        });
        Receive<DeliveryFailed>(f =>
        {
            _acks.Refused(MailKey, f.Reason);
            StopIfDone();
        });
        Receive<NoSuchMailbox>(n =>
        {
            _log.Error("job {0}: user {1} has no mailbox; its delivery outcome is dropped", _owed.JobId, n.User);
            _acks.Acknowledged(ProgressKey);
            _acks.Acknowledged(MailKey);
            StopIfDone();
        });
        Receive<AckDue>(due => _acks.OnDue(due));
    }

    private string Who => $"job {_owed.JobId} of {_owed.User} to {_owed.Destination}";

    protected override void PreStart()
    {
        _acks = new Acknowledgements(Who, Self, Timers, _ctx.Settings.Routing.Sending, _log);
        var status = _owed.Delivered
            ? JobStatus.Delivered(_owed.At, _owed.Module)
            : JobStatus.Failed(_owed.Detail, _owed.At, _owed.Module);
        _acks.Send(ProgressKey, _ctx.Links.Mailboxes, new RecordJobProgress(_owed.User, _owed.JobId, status));

        var kind = _owed.Delivered ? JobMailKind.Delivered : JobMailKind.NotDelivered;
        if (_ctx.Settings.Users.TryGetValue(_owed.User, out var user) && JobMailComposer.Wants(user.Notify, kind))
        {
            var facts = new JobMailFacts(_owed.JobId, _owed.Destination, _owed.Module, _owed.Detail, _owed.At, _owed.Preview);
            var mail = JobMailComposer.Compose(kind, facts, user, _ctx.Settings.Routing.Notifications, _ctx.Settings.Mail.Domain);
            _acks.Send(MailKey, _ctx.Links.Mailboxes, new DeliverMail(_owed.User, JobMailComposer.DeliveryId(kind, _owed.JobId), mail));
        }
    }

    private void Done(string key)
    {
        _acks.Acknowledged(key);
        StopIfDone();
    }

    private void StopIfDone()
    {
        if (_acks.Count > 0) return;
        Context.Parent.Tell(_whenDone);
        Context.Stop(Self);
    }
}

using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;

namespace Gateway.Mailbox;

// Outgoing SMS jobs: accepting a submission, recording progress, offering queued jobs to the consumer.
public sealed partial class MailboxActor
{
    private void OnSubmitOutgoing(SubmitOutgoing c)
    {
        var replyTo = Sender;
        switch (_state.DecideSubmission(c, User, _limits))
        {
            case SubmissionDecision.AlreadyAccepted a:
                ReplyOnceStored(replyTo, new OutgoingAccepted(c.SubmissionId, a.JobIds));
                break;
            case SubmissionDecision.Refused r:
                _log.Warning("mailbox {0}: submission {1} refused: {2}", User, c.SubmissionId, r.Reason);
                replyTo.Tell(new OutgoingRefused(c.SubmissionId, r.Reason));
                break;
            case SubmissionDecision.Accept a:
                Store(a.Event, replyTo, new OutgoingRefused(c.SubmissionId, "the mailbox could not store the jobs (journal failure)"), e =>
                {
                    replyTo.Tell(new OutgoingAccepted(e.SubmissionId, e.Jobs.Select(j => j.JobId).ToImmutableArray()));
                    foreach (var job in e.Jobs) Offer(job);
                });
                break;
        }
    }

    private void OnRecordJobProgress(RecordJobProgress c)
    {
        var replyTo = Sender;
        switch (_state.DecideProgress(c.JobId, c.Status))
        {
            case ProgressDecision.Unchanged u:
                ReplyOnceStored(replyTo, new JobProgressRecorded(c.JobId, u.State));
                break;
            case ProgressDecision.Refused r:
                _log.Warning("mailbox {0}: progress of job {1} refused: {2}", User, c.JobId, r.Reason);
                replyTo.Tell(new JobProgressRefused(c.JobId, r.Reason));
                break;
            case ProgressDecision.Record p:
                Store(p.Event, replyTo, new JobProgressRefused(c.JobId, "the mailbox could not store it (journal failure)"), e =>
                {
                    _log.Debug("mailbox {0}: job {1} {2}", User, e.JobId, e.Status);
                    if (e.Status.State != JobState.Queued) _offeredAt.Remove(e.JobId);
                    replyTo.Tell(new JobProgressRecorded(e.JobId, e.Status.State));
                });
                break;
        }
    }

    private void Offer(OutgoingSms job)
    {
        _offeredAt[job.JobId] = _time.GetUtcNow();
        _jobConsumer.Tell(new OutgoingJobQueued(job));
    }

    private void OfferDueJobs()
    {
        var now = _time.GetUtcNow();
        foreach (var id in _offeredAt.Keys.Where(id => _stored.Jobs.GetValueOrDefault(id)?.Status.State != JobState.Queued).ToArray())
            _offeredAt.Remove(id);
        var due = _stored.QueuedJobs()
            .Where(job => !_offeredAt.TryGetValue(job.Job.JobId, out var at) || now - at >= _limits.JobReofferAfter)
            .ToArray();
        if (due.Length == 0) return;
        _log.Info("mailbox {0}: offering {1} queued job(s) again, nobody has taken them (oldest {2})", User, due.Length, due[0].Job.JobId);
        foreach (var job in due) Offer(job.Job);
    }
}

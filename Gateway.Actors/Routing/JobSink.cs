using Akka.Actor;
using Gateway.Mailbox;

namespace Gateway.Routing;

/// <summary>
/// An outgoing-job consumer that sends nothing: it takes every job it is offered and records it
/// sending → sent → delivered with the mailbox that offered it, as a router and a status report
/// would. For benchmarks of the mail side (<c>routing.job-consumer = sink</c>): the mailbox keeps
/// the same bookkeeping as with real traffic and its pending jobs do not pile up.
/// </summary>
public sealed class JobSink : ReceiveActor
{
    private const string Module = "sink";

    public JobSink(TimeProvider time)
    {
        // job id → its user, while the job is being recorded (replies name only the job)
        var users = new Dictionary<string, string>(StringComparer.Ordinal);

        Receive<OutgoingJobQueued>(q =>
        {
            if (!users.TryAdd(q.Job.JobId, q.Job.User)) return; // offered again while we are on it
            Sender.Tell(new RecordJobProgress(q.Job.User, q.Job.JobId, JobStatus.Sending(Module, time.GetUtcNow())));
        });
        Receive<JobProgressRecorded>(r =>
        {
            if (!users.TryGetValue(r.JobId, out var user)) return;
            JobStatus? next = r.State switch
            {
                JobState.Sending => JobStatus.Sent(Module, [], time.GetUtcNow()),
                JobState.Sent => JobStatus.Delivered(time.GetUtcNow(), Module),
                _ => null,
            };
            if (next is null) users.Remove(r.JobId);
            else Sender.Tell(new RecordJobProgress(user, r.JobId, next));
        });
        // the job is gone or in another state: let the next offer start over
        Receive<JobProgressRefused>(r => users.Remove(r.JobId));
    }

    public static Props Props(TimeProvider? time = null) => Akka.Actor.Props.Create(() => new JobSink(time ?? TimeProvider.System));
}

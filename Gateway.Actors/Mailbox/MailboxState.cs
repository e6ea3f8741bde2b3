using System.Collections.Immutable;
using Gateway.Configuration;

namespace Gateway.Mailbox;

/// <summary>
/// Everything one user's mailbox keeps: the inbox (oldest first, by number), the delivery ids
/// it has seen (to answer re-offers without storing twice), and the outgoing jobs with their
/// history. Immutable: <see cref="Apply"/> returns the next state, and the <c>Decide…</c>
/// functions turn a request into the event to persist (or a refusal) without changing anything.
/// The actor is a thin shell around these; they are tested without an actor system. The record is
/// also the snapshot (written by <see cref="MailboxSerializer"/>).
/// </summary>
/// <param name="DeliveryIds">Delivery id → uid, for messages in the inbox and the last <see cref="RememberedDeletedDeliveries"/> deleted ones.</param>
/// <param name="DeletedDeliveryIds">Delivery ids of deleted messages still remembered, oldest first.</param>
/// <param name="FinishedJobs">Order → job id of delivered/failed jobs, oldest first (the first forgotten).</param>
/// <param name="PendingJobs">Jobs queued or sending.</param>
public sealed record MailboxState(
    ImmutableSortedDictionary<long, InboxMessage> Inbox,
    long InboxBytes,
    long NextNumber,
    ImmutableDictionary<string, string> DeliveryIds,
    ImmutableQueue<string> DeletedDeliveryIds,
    int DeletedDeliveryCount,
    ImmutableDictionary<string, OutgoingJobRecord> Jobs,
    ImmutableSortedDictionary<long, string> FinishedJobs,
    long NextJobOrder,
    int PendingJobs) : IMailboxSerializable
{
    /// <summary>
    /// How many deleted messages' delivery ids are remembered. A re-offer comes within minutes of
    /// the first offer (the module's store-confirm timeout), long before a thousand later
    /// deletions, so this is plenty while keeping the state bounded.
    /// </summary>
    public const int RememberedDeletedDeliveries = 1000;

    public static readonly MailboxState Empty = new(
        ImmutableSortedDictionary<long, InboxMessage>.Empty, 0, 1,
        ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableQueue<string>.Empty, 0,
        ImmutableDictionary<string, OutgoingJobRecord>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedDictionary<long, string>.Empty, 1, 0);

    // ------------------------------------------------------------------ events → state

    /// <summary>The state after <paramref name="e"/>. Replaying an event twice changes nothing the second time.</summary>
    /// <param name="maxFinishedJobs">Finished jobs kept; older ones are forgotten (<c>mail.mailbox.max-finished-jobs</c>).</param>
    public MailboxState Apply(IMailboxEvent e, int maxFinishedJobs) => e switch
    {
        InboxMessageStored s => Stored(s.Message),
        InboxMessagesDeleted d => Deleted(d.Numbers),
        OutgoingJobsAccepted a => Accepted(a),
        JobProgressed p => Progressed(p, maxFinishedJobs),
        _ => throw new ArgumentException($"not a mailbox event: {e.GetType().Name}", nameof(e)),
    };

    private MailboxState Stored(InboxMessage m)
    {
        if (Inbox.ContainsKey(m.Number)) return this;
        return this with
        {
            Inbox = Inbox.Add(m.Number, m),
            InboxBytes = InboxBytes + m.Size,
            NextNumber = Math.Max(NextNumber, m.Number + 1),
            DeliveryIds = m.DeliveryId is null ? DeliveryIds : DeliveryIds.SetItem(m.DeliveryId, m.Uid),
        };
    }

    private MailboxState Deleted(ImmutableArray<long> numbers)
    {
        var inbox = Inbox.ToBuilder();
        var bytes = InboxBytes;
        var forgotten = DeletedDeliveryIds;
        var forgottenCount = DeletedDeliveryCount;
        var deliveries = DeliveryIds.ToBuilder();
        foreach (var n in numbers)
        {
            if (!inbox.TryGetValue(n, out var m)) continue;
            inbox.Remove(n);
            bytes -= m.Size;
            if (m.DeliveryId is null) continue;
            forgotten = forgotten.Enqueue(m.DeliveryId);
            forgottenCount++;
        }
        while (forgottenCount > RememberedDeletedDeliveries)
        {
            forgotten = forgotten.Dequeue(out var oldest);
            forgottenCount--;
            deliveries.Remove(oldest);
        }
        return this with
        {
            Inbox = inbox.ToImmutable(),
            InboxBytes = bytes,
            DeliveryIds = deliveries.ToImmutable(),
            DeletedDeliveryIds = forgotten,
            DeletedDeliveryCount = forgottenCount,
        };
    }

    private MailboxState Accepted(OutgoingJobsAccepted a)
    {
        var jobs = Jobs.ToBuilder();
        var order = NextJobOrder;
        var pending = PendingJobs;
        foreach (var job in a.Jobs)
        {
            if (jobs.ContainsKey(job.JobId)) continue;
            jobs[job.JobId] = new OutgoingJobRecord(job, a.SubmissionId, order++, [JobStatus.Queued(job.AcceptedAt)]);
            pending++;
        }
        return this with { Jobs = jobs.ToImmutable(), NextJobOrder = order, PendingJobs = pending };
    }

    private MailboxState Progressed(JobProgressed p, int maxFinishedJobs)
    {
        if (!Jobs.TryGetValue(p.JobId, out var record) || record.Status.IsFinal) return this;
        var next = record.With(p.Status);
        var pending = PendingJobs - (record.Status.IsPending ? 1 : 0) + (p.Status.IsPending ? 1 : 0);
        var jobs = Jobs.SetItem(p.JobId, next);
        var finished = FinishedJobs;
        if (p.Status.IsFinal)
        {
            finished = finished.Add(record.Order, p.JobId);
            while (finished.Count > maxFinishedJobs)
            {
                var oldest = finished.First();
                finished = finished.Remove(oldest.Key);
                jobs = jobs.Remove(oldest.Value);
            }
        }
        return this with { Jobs = jobs, FinishedJobs = finished, PendingJobs = pending };
    }

    // ------------------------------------------------------------------ requests → decisions

    /// <summary>Whether to store a message: already stored (a re-offer), refused (full), or the event to persist.</summary>
    public DeliveryDecision DecideDelivery(string? deliveryId, ImmutableArray<byte> content, DateTimeOffset now, MailboxSettings limits)
    {
        if (deliveryId is not null && DeliveryIds.TryGetValue(deliveryId, out var uid))
            return new DeliveryDecision.AlreadyStored(uid);
        if (Inbox.Count >= limits.MaxMessages)
            return new DeliveryDecision.Full($"the inbox holds {Inbox.Count} messages (mail.mailbox.max-messages = {limits.MaxMessages})");
        if (InboxBytes + content.Length > limits.MaxBytes)
            return new DeliveryDecision.Full(
                $"the inbox holds {InboxBytes} bytes and this message has {content.Length} (mail.mailbox.max-bytes = {limits.MaxBytes})");
        return new DeliveryDecision.Store(new InboxMessageStored(new InboxMessage(NextNumber, now, deliveryId, content)));
    }

    /// <summary>Whether to accept the jobs of one e-mail: already accepted (a repeat), refused, or the event to persist.</summary>
    public SubmissionDecision DecideSubmission(SubmitOutgoing submission, string user, MailboxSettings limits)
    {
        var jobs = submission.Jobs;
        if (jobs.Count == 0) return new SubmissionDecision.Refused("the submission has no jobs");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            if (string.IsNullOrEmpty(job.JobId)) return new SubmissionDecision.Refused("a job has no id");
            if (job.User != user) return new SubmissionDecision.Refused($"job {job.JobId} belongs to {job.User}, not to {user}");
            if (!ids.Add(job.JobId)) return new SubmissionDecision.Refused($"job id {job.JobId} appears twice");
        }
        var known = jobs.Where(j => Jobs.ContainsKey(j.JobId)).ToArray();
        if (known.Length == jobs.Count && known.All(j => Jobs[j.JobId].SubmissionId == submission.SubmissionId))
            return new SubmissionDecision.AlreadyAccepted(jobs.Select(j => j.JobId).ToImmutableArray());
        if (known.Length > 0) return new SubmissionDecision.Refused($"job id {known[0].JobId} is already used");
        if (PendingJobs + jobs.Count > limits.MaxPendingJobs)
            return new SubmissionDecision.Refused(
                $"{PendingJobs} SMS of this user are still waiting to be sent (mail.mailbox.max-pending-jobs = {limits.MaxPendingJobs})");
        return new SubmissionDecision.Accept(new OutgoingJobsAccepted(submission.SubmissionId, jobs.ToImmutableArray()));
    }

    /// <summary>Whether to record a job's progress: unchanged (a repeat), refused (unknown job, invalid step), or the event to persist.</summary>
    public ProgressDecision DecideProgress(string jobId, JobStatus status)
    {
        if (!Jobs.TryGetValue(jobId, out var record)) return new ProgressDecision.Refused($"no job {jobId} in this mailbox");
        var current = record.Status;
        if (current.SameStepAs(status)) return new ProgressDecision.Unchanged(current.State);
        if (!JobStatus.MayFollow(current.State, status.State))
            return new ProgressDecision.Refused($"job {jobId} is {current.State.ToString().ToLowerInvariant()} and cannot become {status.State.ToString().ToLowerInvariant()}");
        if (status.State is JobState.Sending or JobState.Sent && string.IsNullOrEmpty(status.Module))
            return new ProgressDecision.Refused($"a {status.State.ToString().ToLowerInvariant()} status must name its module");
        if (status.State == JobState.Failed && string.IsNullOrEmpty(status.Reason))
            return new ProgressDecision.Refused("a failed status must give its reason");
        return new ProgressDecision.Record(new JobProgressed(jobId, status));
    }

    /// <summary>The deletion to persist for these numbers (those still in the inbox), or null when none are.</summary>
    public InboxMessagesDeleted? DecideDeletions(IEnumerable<long> numbers)
    {
        var present = numbers.Where(Inbox.ContainsKey).Distinct().ToImmutableArray();
        return present.IsEmpty ? null : new InboxMessagesDeleted(present);
    }

    // ------------------------------------------------------------------ queries

    /// <summary>The inbox as a POP3 listing, oldest first.</summary>
    public ImmutableArray<MaildropEntry> Listing()
    {
        var builder = ImmutableArray.CreateBuilder<MaildropEntry>(Inbox.Count);
        foreach (var m in Inbox.Values) builder.Add(new MaildropEntry(m.Number, m.Uid, m.Size));
        return builder.MoveToImmutable();
    }

    /// <summary>The contents of these messages in the order asked; numbers not in the inbox are left out.</summary>
    public ImmutableArray<FetchedMessage> Fetch(IEnumerable<long> numbers)
    {
        var builder = ImmutableArray.CreateBuilder<FetchedMessage>();
        foreach (var n in numbers)
            if (Inbox.TryGetValue(n, out var m)) builder.Add(new FetchedMessage(n, m.Content));
        return builder.ToImmutable();
    }

    /// <summary>Jobs nobody has taken yet, oldest first.</summary>
    public IEnumerable<OutgoingJobRecord> QueuedJobs() =>
        Jobs.Values.Where(j => j.Status.State == JobState.Queued).OrderBy(j => j.Order);

    /// <summary>Jobs queued or being sent, oldest first: what recovery offers again (a send under way when the node stopped is sent again).</summary>
    public IEnumerable<OutgoingJobRecord> PendingJobsInOrder() =>
        Jobs.Values.Where(j => j.Status.IsPending).OrderBy(j => j.Order);

    /// <summary>All jobs, oldest first.</summary>
    public IReadOnlyList<OutgoingJobRecord> JobsInOrder() => Jobs.Values.OrderBy(j => j.Order).ToArray();
}

/// <summary>The outcome of <see cref="MailboxState.DecideDelivery"/>.</summary>
public abstract record DeliveryDecision
{
    public sealed record AlreadyStored(string Uid) : DeliveryDecision;

    public sealed record Full(string Reason) : DeliveryDecision;

    public sealed record Store(InboxMessageStored Event) : DeliveryDecision;
}

/// <summary>The outcome of <see cref="MailboxState.DecideSubmission"/>.</summary>
public abstract record SubmissionDecision
{
    public sealed record AlreadyAccepted(ImmutableArray<string> JobIds) : SubmissionDecision;

    public sealed record Refused(string Reason) : SubmissionDecision;

    public sealed record Accept(OutgoingJobsAccepted Event) : SubmissionDecision;
}

/// <summary>The outcome of <see cref="MailboxState.DecideProgress"/>.</summary>
public abstract record ProgressDecision
{
    public sealed record Unchanged(JobState State) : ProgressDecision;

    public sealed record Refused(string Reason) : ProgressDecision;

    public sealed record Record(JobProgressed Event) : ProgressDecision;
}

using System.Collections.Immutable;

namespace Gateway.Mailbox;

/// <summary>Where an outgoing job is. <see cref="Queued"/> and <see cref="Sending"/> are pending; <see cref="Delivered"/> and <see cref="Failed"/> are final.</summary>
public enum JobState { Queued, Sending, Sent, Delivered, Failed }

/// <summary>
/// One step in a job's history: its state, when the step happened, and what goes with it
/// (the module for sending/sent, the parts' message references for sent, the reason for failed).
/// </summary>
public sealed record JobStatus(
    JobState State,
    DateTimeOffset At,
    string? Module = null,
    ImmutableArray<int> PartReferences = default,
    string? Reason = null)
{
    public static JobStatus Queued(DateTimeOffset at) => new(JobState.Queued, at);

    public static JobStatus Sending(string module, DateTimeOffset at) => new(JobState.Sending, at, module);

    public static JobStatus Sent(string module, IEnumerable<int> partReferences, DateTimeOffset at) =>
        new(JobState.Sent, at, module, partReferences.ToImmutableArray());

    public static JobStatus Delivered(DateTimeOffset at, string? module = null) => new(JobState.Delivered, at, module);

    public static JobStatus Failed(string reason, DateTimeOffset at, string? module = null) => new(JobState.Failed, at, module, Reason: reason);

    public bool IsPending => State is JobState.Queued or JobState.Sending;

    public bool IsFinal => State is JobState.Delivered or JobState.Failed;

    /// <summary>The message references, never a default (uninitialised) array.</summary>
    public ImmutableArray<int> References => PartReferences.IsDefault ? ImmutableArray<int>.Empty : PartReferences;

    /// <summary>Same step as <paramref name="other"/>, ignoring when it happened.</summary>
    public bool SameStepAs(JobStatus other) =>
        State == other.State && Module == other.Module && Reason == other.Reason && References.SequenceEqual(other.References);

    /// <summary>Whether a job whose status is <paramref name="current"/> may move to <paramref name="next"/>.</summary>
    public static bool MayFollow(JobState current, JobState next) => (current, next) switch
    {
        (JobState.Queued, JobState.Sending or JobState.Failed) => true,
        (JobState.Sending, JobState.Sending or JobState.Sent or JobState.Failed or JobState.Queued) => true,
        (JobState.Sent, JobState.Delivered or JobState.Failed) => true,
        _ => false,
    };

    public override string ToString() => State switch
    {
        JobState.Sending => $"sending via {Module}",
        JobState.Sent => $"sent via {Module} (message references {string.Join(",", References)})",
        JobState.Failed => $"failed: {Reason}",
        _ => State.ToString().ToLowerInvariant(),
    };
}

/// <summary>An outgoing job as the mailbox keeps it: the SMS, the e-mail it came from, and its status history (oldest first, never empty).</summary>
public sealed record OutgoingJobRecord(OutgoingSms Job, string SubmissionId, long Order, ImmutableList<JobStatus> History)
{
    /// <summary>Longest history kept; older middle steps are dropped (the first step is kept).</summary>
    public const int MaxHistory = 50;

    public JobStatus Status => History[^1];

    public OutgoingJobRecord With(JobStatus status)
    {
        var history = History.Add(status);
        if (history.Count > MaxHistory) history = history.RemoveAt(1);
        return this with { History = history };
    }
}

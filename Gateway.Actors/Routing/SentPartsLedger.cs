using System.Collections.Immutable;
using Gateway.Sms;

namespace Gateway.Routing;

/// <summary>Marks what the routing part writes to the journal; bound to <see cref="RoutingSerializer"/>.</summary>
public interface IRoutingSerializable;

/// <summary>What the status reports said about one part so far.</summary>
public enum PartOutcome { Pending, Delivered, Failed }

/// <summary>One part a module sent, as the index keeps it under its TP-MR.</summary>
/// <param name="Resolved">The job's outcome is decided; later reports for it change nothing.</param>
/// <param name="Preview">The start of the SMS text, for the user's notification.</param>
public sealed record SentPart(
    string User, string JobId, int PartIndex, int PartCount, string Destination, string Preview, DateTimeOffset SentAt,
    PartOutcome Outcome, int? Status, bool Resolved);

/// <summary>
/// The final word of the status reports on a job, kept until the mailbox has recorded it (and the
/// notification, if the user wants one, is stored).
/// </summary>
/// <param name="Detail">For the job's record and the notification: when it was delivered, or why not.</param>
public sealed record JobResolution(string User, string JobId, string Destination, string Module, bool Delivered, string Detail, string Preview, DateTimeOffset At);

/// <summary>Journal event: every part of a job went through the module with these TP-MRs (−1: the modem gave none).</summary>
public sealed record PartsSent(string User, string JobId, string Destination, string Preview, ImmutableArray<int> References, DateTimeOffset At) : IRoutingSerializable
{
    /// <summary>How much of the text a notification quotes.</summary>
    public const int PreviewLength = 60;

    public static string PreviewOf(string text) => text.Length <= PreviewLength ? text : text[..PreviewLength].TrimEnd() + "…";
}

/// <summary>Journal event: a final status report (delivered or failed) for the part under <see cref="Reference"/>.</summary>
public sealed record PartReported(int Reference, string JobId, int Status, DateTimeOffset Discharge, DateTimeOffset At) : IRoutingSerializable;

/// <summary>Journal event: the mailbox recorded the resolution of <see cref="JobId"/>; it is no longer owed. (Written before resolutions were stored in batches; still read.)</summary>
public sealed record ResolutionReported(string JobId) : IRoutingSerializable;

/// <summary>Journal event: the mailboxes recorded the resolutions of these jobs; they are no longer owed.</summary>
public sealed record ResolutionsReported(ImmutableArray<string> JobIds) : IRoutingSerializable;

/// <summary>How a status report relates to what the ledger holds.</summary>
public abstract record ReportMatch
{
    /// <summary>The report is for this part; record it (a pending report only logs).</summary>
    public sealed record Part(SentPart Sent) : ReportMatch;

    /// <summary>The report is for a job whose outcome is already decided (a duplicate, or a part after another failed).</summary>
    public sealed record AlreadyResolved(SentPart Sent) : ReportMatch;

    /// <summary>No part it can belong to (never recorded, overwritten after the TP-MR wrapped, or another recipient).</summary>
    public sealed record Unmatched(string Reason) : ReportMatch;
}

/// <summary>
/// The state of one module's sent-parts index: the last part sent under each TP-MR (0–255, so at
/// most 256 entries; a newer send under the same TP-MR replaces the older), and the resolutions
/// still owed to mailboxes. Status reports come back by TP-MR, possibly hours later and after a
/// restart, when the module no longer knows whose part it was; this is what answers. Pure.
/// </summary>
public sealed record SentPartsLedger(string Module, PartTable Parts, ImmutableDictionary<string, JobResolution> Unreported)
    : IRoutingSerializable
{
    /// <summary>Resolutions kept while their mailboxes do not answer; the oldest is dropped beyond this (and logged).</summary>
    public const int MaxUnreported = 1000;

    public static SentPartsLedger Empty(string module) =>
        new(module, PartTable.Empty, ImmutableDictionary<string, JobResolution>.Empty);

    public SentPartsLedger Apply(IRoutingSerializable e) => e switch
    {
        PartsSent s => Sent(s),
        PartReported r => Reported(r),
        ResolutionReported r => this with { Unreported = Unreported.Remove(r.JobId) },
        ResolutionsReported r => this with { Unreported = Unreported.RemoveRange(r.JobIds) },
        _ => this,
    };

    private SentPartsLedger Sent(PartsSent s)
    {
        var parts = new List<KeyValuePair<int, SentPart>>(s.References.Length);
        for (var i = 0; i < s.References.Length; i++)
            if (s.References[i] is >= 0 and < PartTable.Slots and var mr)
                parts.Add(new(mr, new SentPart(s.User, s.JobId, i, s.References.Length, s.Destination, s.Preview, s.At, PartOutcome.Pending, null, false)));
        return this with { Parts = Parts.With(parts) };
    }

    private SentPartsLedger Reported(PartReported r)
    {
        if (!Parts.TryGetValue(r.Reference, out var part) || part.JobId != r.JobId || part.Resolved) return this;
        var outcome = StatusReportText.Outcome(r.Status) == DeliveryOutcome.Delivered ? PartOutcome.Delivered : PartOutcome.Failed;
        var parts = Parts.With(r.Reference, part with { Outcome = outcome, Status = r.Status });
        var ofJob = parts.OfJob(r.JobId);

        JobResolution? resolution = null;
        if (outcome == PartOutcome.Failed)
            resolution = new JobResolution(part.User, part.JobId, part.Destination, Module, false,
                part.PartCount > 1 ? $"part {part.PartIndex + 1} of {part.PartCount} not delivered: {StatusReportText.Describe(r.Status)}" : $"not delivered: {StatusReportText.Describe(r.Status)}",
                part.Preview, r.At);
        else if (EveryPartDelivered(ofJob, part.PartCount))
            resolution = new JobResolution(part.User, part.JobId, part.Destination, Module, true,
                $"delivered {r.Discharge:yyyy-MM-dd HH:mm:ss zzz}" + (part.PartCount > 1 ? $" (all {part.PartCount} parts)" : ""), part.Preview, r.At);
        if (resolution is null) return this with { Parts = parts };

        parts = parts.With(ofJob.Select(p => new KeyValuePair<int, SentPart>(p.Key, p.Value with { Resolved = true })));
        var unreported = Unreported.SetItem(r.JobId, resolution);
        if (unreported.Count > MaxUnreported)
            unreported = unreported.Remove(unreported.Values.OrderBy(u => u.At).First().JobId);
        return this with { Parts = parts, Unreported = unreported };
    }

    /// <summary>
    /// Whether each of a job's parts has a delivered entry. A job offered again after a crash may
    /// have gone twice through the module, so a part can have two entries; either one delivered counts.
    /// </summary>
    private static bool EveryPartDelivered(List<KeyValuePair<int, SentPart>> ofJob, int partCount)
    {
        var delivered = new bool[partCount];
        var missing = partCount;
        foreach (var (_, p) in ofJob)
            if (p.Outcome == PartOutcome.Delivered && p.PartIndex < partCount && !delivered[p.PartIndex])
            {
                delivered[p.PartIndex] = true;
                missing--;
            }
        return missing == 0;
    }

    /// <summary>Which part a report from this module is for. <paramref name="jobId"/> is what the module remembered, if anything.</summary>
    public ReportMatch Match(SmsStatusReport report, string? jobId)
    {
        if (!Parts.TryGetValue(report.MessageReference, out var part))
            return new ReportMatch.Unmatched($"no part sent through {Module} under TP-MR {report.MessageReference} is remembered");
        if (jobId is not null && jobId != part.JobId)
            return new ReportMatch.Unmatched($"TP-MR {report.MessageReference} of {Module} was last used by job {part.JobId}, the module says job {jobId}");
        if (!SameNumber(report.Recipient.Value, part.Destination))
            return new ReportMatch.Unmatched($"TP-MR {report.MessageReference} of {Module} was last used for {part.Destination}, the report is for {report.Recipient.Value}");
        return part.Resolved ? new ReportMatch.AlreadyResolved(part) : new ReportMatch.Part(part);
    }

    /// <summary>
    /// Whether a report's recipient is the number a part went to. The network may write it
    /// nationally (<c>777123456</c>) where we sent E.164 (<c>+420777123456</c>): the digits of the
    /// shorter must end the longer, at least six of them.
    /// </summary>
    public static bool SameNumber(string reported, string sent)
    {
        var a = new string(reported.Where(char.IsAsciiDigit).ToArray());
        var b = new string(sent.Where(char.IsAsciiDigit).ToArray());
        if (a.Length == 0 || b.Length == 0) return string.Equals(reported, sent, StringComparison.OrdinalIgnoreCase);
        var (shorter, longer) = a.Length <= b.Length ? (a, b) : (b, a);
        return shorter == longer || (shorter.Length >= 6 && longer.EndsWith(shorter, StringComparison.Ordinal));
    }
}

/// <summary>TP-ST (3GPP TS 23.040 9.2.3.15) in words, for job records and notifications.</summary>
public static class StatusReportText
{
    public static DeliveryOutcome Outcome(int status) => status switch
    {
        <= 0x1F => DeliveryOutcome.Delivered,
        <= 0x3F => DeliveryOutcome.Pending,
        _ => DeliveryOutcome.Failed,
    };

    public static string Describe(int status)
    {
        var text = status switch
        {
            0x00 => "received by the phone",
            0x01 => "forwarded, delivery not confirmed",
            0x02 => "replaced by the service centre",
            0x20 => "congestion, still trying",
            0x21 => "the phone is busy, still trying",
            0x22 => "no response from the phone, still trying",
            0x23 => "service rejected, still trying",
            0x24 => "quality of service not available, still trying",
            0x25 => "error in the phone, still trying",
            0x40 => "remote procedure error",
            0x41 => "incompatible destination",
            0x42 => "connection rejected by the phone",
            0x43 => "not obtainable",
            0x44 => "quality of service not available",
            0x45 => "no interworking available",
            0x46 => "validity period expired",
            0x47 => "deleted by the sender",
            0x48 => "deleted by the service centre",
            0x49 => "the message does not exist",
            0x60 => "congestion; the service centre gave up",
            0x61 => "the phone was busy; the service centre gave up",
            0x62 => "no response from the phone; the service centre gave up",
            0x63 => "service rejected; the service centre gave up",
            0x64 => "quality of service not available; the service centre gave up",
            0x65 => "error in the phone; the service centre gave up",
            _ => Outcome(status) switch
            {
                DeliveryOutcome.Delivered => "delivered",
                DeliveryOutcome.Pending => "not yet delivered, still trying",
                _ => "the service centre gave up",
            },
        };
        return $"{text} (status 0x{status:X2})";
    }
}

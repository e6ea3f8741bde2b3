using System.Collections.Immutable;

namespace Gateway.Sms;

/// <summary>
/// Identifies one concatenated message: who sent it, its reference and its part count (3GPP TS
/// 23.040 9.2.3.24.1). Use one buffer per receiving SIM, so that two SIMs' messages never meet.
/// </summary>
public sealed record ConcatKey(SmsAddress Originator, int Reference, int Total);

/// <summary>One SMS-DELIVER as it arrived, with the caller's tag (e.g. the SIM index to delete it by once stored).</summary>
public sealed record ReceivedPart<TTag>(SmsDeliver Sms, TTag Tag, DateTimeOffset ReceivedAt);

/// <summary>A whole message: every part there, texts joined in part order.</summary>
/// <param name="Key">Null for an SMS that was not concatenated.</param>
/// <param name="Timestamp">The first part's service-centre time stamp.</param>
/// <param name="Parts">The parts in order, so the caller can release each (delete it from the SIM).</param>
public sealed record ReassembledSms<TTag>(
    SmsAddress Originator,
    string Text,
    SmsCoding Coding,
    DateTimeOffset Timestamp,
    ConcatKey? Key,
    ImmutableArray<ReceivedPart<TTag>> Parts);

/// <summary>Why an incomplete message was given up.</summary>
public enum GiveUpReason
{
    /// <summary>The caller asked (its wait for the missing parts is over).</summary>
    Requested,

    /// <summary>The buffer held <see cref="ReassemblyBuffer{TTag}.MaxPending"/> messages and a new one came: the oldest went.</summary>
    BufferFull,

    /// <summary>A part came with a sequence number already held but other text: the sender reused the reference for a new message.</summary>
    ReferenceReused,
}

/// <summary>What an incomplete message had when it was given up: the parts that came and the numbers of those that did not.</summary>
public sealed record IncompleteSms<TTag>(ConcatKey Key, ImmutableArray<ReceivedPart<TTag>> Parts, ImmutableArray<int> Missing, GiveUpReason Reason)
{
    /// <summary>The texts of the parts that came, in part order.</summary>
    public string TextSoFar => string.Concat(Parts.Select(p => p.Sms.Text));
}

/// <summary>A message still waiting for parts.</summary>
/// <param name="Slots">One per part number (index 0 = part 1), null where the part has not come.</param>
public sealed record PendingSms<TTag>(ConcatKey Key, ImmutableArray<ReceivedPart<TTag>?> Slots, DateTimeOffset FirstReceivedAt, DateTimeOffset LastReceivedAt)
{
    public ImmutableArray<int> Missing => [.. Slots.Select((p, i) => (p, i)).Where(x => x.p is null).Select(x => x.i + 1)];

    public int ReceivedCount => Slots.Count(p => p is not null);

    internal ImmutableArray<ReceivedPart<TTag>> Received => [.. Slots.Where(p => p is not null).Select(p => p!)];
}

/// <summary>The outcome of <see cref="ReassemblyBuffer{TTag}.Add"/>: the new buffer and what happened.</summary>
/// <param name="Completed">The whole message, when this part was the last one missing (or the SMS was not concatenated).</param>
/// <param name="Duplicate">This part, when the same part (same number, same text) was already held or belonged to a
/// message completed recently; the buffer is unchanged.</param>
/// <param name="GivenUp">Messages dropped from the buffer by this step (full buffer, reused reference): hand them on, do not lose them.</param>
public sealed record ReassemblyStep<TTag>(
    ReassemblyBuffer<TTag> Buffer,
    ReassembledSms<TTag>? Completed,
    ReceivedPart<TTag>? Duplicate,
    ImmutableArray<IncompleteSms<TTag>> GivenUp);

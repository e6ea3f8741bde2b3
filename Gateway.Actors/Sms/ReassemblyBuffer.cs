using System.Collections.Immutable;

namespace Gateway.Sms;

/// <summary>
/// Joins the parts of concatenated SMS-DELIVERs, keyed by (originator, reference, total). Parts may
/// come in any order and more than once; the whole text comes out once every part is there. The
/// caller decides when to stop waiting (<see cref="GiveUp"/>, <see cref="GiveUpOlderThan"/>) and
/// gets what came with the missing part numbers. Immutable: every operation returns a new buffer,
/// so an actor can hold it in a field and replace it. Holds at most <see cref="MaxPending"/>
/// incomplete messages (default 1000); past that the oldest is given up, never silently dropped.
/// It also remembers the last <see cref="MaxPending"/> completed messages, so a part the network
/// delivers again after its message was complete is a duplicate, not the start of a new message.
/// </summary>
public sealed class ReassemblyBuffer<TTag>
{
    public const int DefaultMaxPending = 1000;

    private readonly ImmutableDictionary<ConcatKey, PendingSms<TTag>> _pending;

    /// <summary>Part texts of recently completed messages, and the order they completed in (oldest first).</summary>
    private readonly ImmutableDictionary<ConcatKey, ImmutableArray<string>> _completed;
    private readonly ImmutableQueue<ConcatKey> _completedOrder;

    private ReassemblyBuffer(ImmutableDictionary<ConcatKey, PendingSms<TTag>> pending, int maxPending,
        ImmutableDictionary<ConcatKey, ImmutableArray<string>> completed, ImmutableQueue<ConcatKey> completedOrder)
    {
        _pending = pending;
        MaxPending = maxPending;
        _completed = completed;
        _completedOrder = completedOrder;
    }

    private ReassemblyBuffer<TTag> With(ImmutableDictionary<ConcatKey, PendingSms<TTag>> pending) =>
        new(pending, MaxPending, _completed, _completedOrder);

    /// <summary>This buffer with <paramref name="key"/> remembered as completed (the oldest memory forgotten past <see cref="MaxPending"/>).</summary>
    private ReassemblyBuffer<TTag> Remember(ImmutableDictionary<ConcatKey, PendingSms<TTag>> pending, ConcatKey key, ImmutableArray<string> texts)
    {
        var completed = _completed;
        var order = _completedOrder;
        if (completed.ContainsKey(key))
            order = ImmutableQueue.CreateRange(order.Where(k => k != key));
        else if (completed.Count >= MaxPending)
        {
            order = order.Dequeue(out var oldest);
            completed = completed.Remove(oldest);
        }
        return new(pending, MaxPending, completed.SetItem(key, texts), order.Enqueue(key));
    }

    /// <summary>An empty buffer holding at most <paramref name="maxPending"/> incomplete messages.</summary>
    public static ReassemblyBuffer<TTag> Create(int maxPending = DefaultMaxPending) =>
        maxPending >= 1
            ? new ReassemblyBuffer<TTag>(ImmutableDictionary<ConcatKey, PendingSms<TTag>>.Empty, maxPending,
                ImmutableDictionary<ConcatKey, ImmutableArray<string>>.Empty, ImmutableQueue<ConcatKey>.Empty)
            : throw new ArgumentOutOfRangeException(nameof(maxPending), maxPending, "must be at least 1");

    public int MaxPending { get; }

    /// <summary>The messages still waiting for parts, oldest first.</summary>
    public IReadOnlyList<PendingSms<TTag>> Pending => [.. _pending.Values.OrderBy(p => p.FirstReceivedAt)];

    public int Count => _pending.Count;

    /// <summary>Takes one part; <paramref name="receivedAt"/> is the caller's clock, used only for age.</summary>
    public ReassemblyStep<TTag> Add(SmsDeliver sms, TTag tag, DateTimeOffset receivedAt)
    {
        var part = new ReceivedPart<TTag>(sms, tag, receivedAt);
        if (sms.Concat is not { Total: > 1 } concat)
            return new ReassemblyStep<TTag>(this, Whole(null, [part]), null, []);

        var key = new ConcatKey(sms.Originator, concat.Reference, concat.Total);
        var index = concat.Sequence - 1;
        var pending = _pending;
        var givenUp = ImmutableArray.CreateBuilder<IncompleteSms<TTag>>();

        var known = pending.TryGetValue(key, out var existing);
        if (!known && _completed.TryGetValue(key, out var completedTexts) && completedTexts[index] == sms.Text)
            return new ReassemblyStep<TTag>(this, null, part, []);
        if (known && existing!.Slots[index] is { } held)
        {
            if (held.Sms.Text == sms.Text && held.Sms.Coding == sms.Coding)
                return new ReassemblyStep<TTag>(this, null, part, []);
            givenUp.Add(Incomplete(existing, GiveUpReason.ReferenceReused));
            pending = pending.Remove(key);
            existing = null;
        }

        if (existing is null && pending.Count >= MaxPending)
        {
            var oldest = pending.Values.MinBy(p => p.FirstReceivedAt)!;
            givenUp.Add(Incomplete(oldest, GiveUpReason.BufferFull));
            pending = pending.Remove(oldest.Key);
        }

        var updated = existing is null
            ? new PendingSms<TTag>(key, Enumerable.Repeat<ReceivedPart<TTag>?>(null, concat.Total).ToImmutableArray().SetItem(index, part), receivedAt, receivedAt)
            : existing with { Slots = existing.Slots.SetItem(index, part), LastReceivedAt = receivedAt };

        if (updated.Slots.All(p => p is not null))
        {
            var whole = Whole(key, updated.Received);
            var remembered = Remember(pending.Remove(key), key, [.. whole.Parts.Select(p => p.Sms.Text)]);
            return new ReassemblyStep<TTag>(remembered, whole, null, givenUp.ToImmutable());
        }
        return new ReassemblyStep<TTag>(With(pending.SetItem(key, updated)), null, null, givenUp.ToImmutable());
    }

    /// <summary>Stops waiting for <paramref name="key"/>: returns what it had (null if it was not pending) and the buffer without it.</summary>
    public (ReassemblyBuffer<TTag> Buffer, IncompleteSms<TTag>? GivenUp) GiveUp(ConcatKey key) =>
        _pending.TryGetValue(key, out var pending)
            ? (With(_pending.Remove(key)), Incomplete(pending, GiveUpReason.Requested))
            : (this, null);

    /// <summary>Gives up every message whose first part came before <paramref name="cutoff"/>.</summary>
    public (ReassemblyBuffer<TTag> Buffer, ImmutableArray<IncompleteSms<TTag>> GivenUp) GiveUpOlderThan(DateTimeOffset cutoff)
    {
        var old = _pending.Values.Where(p => p.FirstReceivedAt < cutoff).OrderBy(p => p.FirstReceivedAt).ToList();
        if (old.Count == 0) return (this, []);
        return (With(_pending.RemoveRange(old.Select(p => p.Key))),
            [.. old.Select(p => Incomplete(p, GiveUpReason.Requested))]);
    }

    private static ReassembledSms<TTag> Whole(ConcatKey? key, ImmutableArray<ReceivedPart<TTag>> parts)
    {
        var first = parts[0].Sms;
        return new ReassembledSms<TTag>(first.Originator, string.Concat(parts.Select(p => p.Sms.Text)), first.Coding, first.Timestamp, key, parts);
    }

    private static IncompleteSms<TTag> Incomplete(PendingSms<TTag> pending, GiveUpReason reason) =>
        new(pending.Key, pending.Received, pending.Missing, reason);
}

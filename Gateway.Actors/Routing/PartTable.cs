using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Gateway.Routing;

/// <summary>
/// A module's sent parts by TP-MR, immutable. TP-MR is one byte, so the table is 256 slots: a
/// change copies them (2 KB), a lookup is an index, and finding one job's parts reads an array.
/// (An ImmutableDictionary here made every status report walk a tree: 5 % of a loaded node's CPU.)
/// </summary>
public sealed class PartTable : IReadOnlyDictionary<int, SentPart>
{
    /// <summary>TP-MR values: 0–255.</summary>
    public const int Slots = 256;

    public static readonly PartTable Empty = new(new SentPart?[Slots], 0);

    private readonly SentPart?[] _slots;

    private PartTable(SentPart?[] slots, int count)
    {
        _slots = slots;
        Count = count;
    }

    public int Count { get; }

    public SentPart this[int reference] =>
        TryGetValue(reference, out var part) ? part : throw new KeyNotFoundException($"no part under TP-MR {reference}");

    public IEnumerable<int> Keys => this.Select(p => p.Key);

    public IEnumerable<SentPart> Values => this.Select(p => p.Value);

    public bool ContainsKey(int reference) => TryGetValue(reference, out _);

    public bool TryGetValue(int reference, [MaybeNullWhen(false)] out SentPart part)
    {
        part = reference is >= 0 and < Slots ? _slots[reference] : null;
        return part is not null;
    }

    /// <summary>This table with <paramref name="parts"/> put under their TP-MRs (a newer part replaces the older).</summary>
    public PartTable With(IEnumerable<KeyValuePair<int, SentPart>> parts)
    {
        var slots = (SentPart?[])_slots.Clone();
        var count = Count;
        foreach (var (reference, part) in parts)
        {
            if (reference is < 0 or >= Slots) throw new ArgumentOutOfRangeException(nameof(parts), reference, "a TP-MR is 0–255");
            if (slots[reference] is null) count++;
            slots[reference] = part;
        }
        return new PartTable(slots, count);
    }

    public PartTable With(int reference, SentPart part) => With([new KeyValuePair<int, SentPart>(reference, part)]);

    /// <summary>The entries of one job (a job sent twice through the module may have more than its part count).</summary>
    public List<KeyValuePair<int, SentPart>> OfJob(string jobId)
    {
        var found = new List<KeyValuePair<int, SentPart>>();
        for (var i = 0; i < Slots; i++)
            if (_slots[i] is { } part && part.JobId == jobId) found.Add(new KeyValuePair<int, SentPart>(i, part));
        return found;
    }

    /// <summary>In TP-MR order.</summary>
    public IEnumerator<KeyValuePair<int, SentPart>> GetEnumerator()
    {
        for (var i = 0; i < Slots; i++)
            if (_slots[i] is { } part) yield return new KeyValuePair<int, SentPart>(i, part);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

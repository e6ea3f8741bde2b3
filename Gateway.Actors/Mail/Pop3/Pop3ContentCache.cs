using System.Collections.Immutable;
using Gateway.Mailbox;

namespace Gateway.Mail.Pop3;

/// <summary>
/// Message contents a session has fetched from the mailbox ahead of the client. A client reading
/// its mail RETRs message after message; asking the mailbox for each would cost a cluster round
/// trip per RETR, so contents are fetched in batches (up to <paramref name="batchMessages"/>
/// messages or <paramref name="batchBytes"/> octets) and the next batch is asked for while fewer
/// than <paramref name="lowWater"/> fetched messages are left ahead of the client. One fetch is in
/// flight at a time; a message is read ahead once (after RETR its content is dropped and fetched
/// again only if asked for again). Owned by one session actor (not thread-safe).
/// </summary>
public sealed class Pop3ContentCache(int batchMessages = 256, long batchBytes = 1024 * 1024, int lowWater = 64)
{
    private readonly Dictionary<long, ImmutableArray<byte>> _contents = new();
    private int _requestedThrough;
    private ImmutableArray<long> _inFlight = ImmutableArray<long>.Empty;

    public bool FetchInFlight => !_inFlight.IsEmpty;

    public int Count => _contents.Count;

    public bool TryGet(long number, out ImmutableArray<byte> content) => _contents.TryGetValue(number, out content);

    /// <summary>Drops a message's content (after RETR: clients rarely read a message twice, and then it is fetched again).</summary>
    public void Forget(long number) => _contents.Remove(number);

    /// <summary>
    /// Read-ahead: the messages from <paramref name="next"/> (1-based) on that were never asked
    /// for, when fewer than the low-water mark of them are on their way or here. Empty when
    /// nothing needs fetching now or a fetch is in flight.
    /// </summary>
    public ImmutableArray<long> Ahead(Maildrop drop, int next)
    {
        if (FetchInFlight || next > drop.Messages.Length || _requestedThrough - next + 1 >= lowWater) return ImmutableArray<long>.Empty;
        return Batch(drop, Math.Max(_requestedThrough + 1, Math.Max(next, 1)));
    }

    /// <summary>
    /// Message <paramref name="message"/> is wanted now and is not here: a batch starting with it
    /// (asked for again if it was fetched and forgotten). Empty while a fetch is in flight; ask
    /// again when it lands.
    /// </summary>
    public ImmutableArray<long> Needed(Maildrop drop, int message) =>
        FetchInFlight || message < 1 || message > drop.Messages.Length ? ImmutableArray<long>.Empty : Batch(drop, message);

    private ImmutableArray<long> Batch(Maildrop drop, int start)
    {
        var batch = ImmutableArray.CreateBuilder<long>();
        long bytes = 0;
        var last = start - 1;
        for (var n = start; n <= drop.Messages.Length && batch.Count < batchMessages && bytes < batchBytes; n++)
        {
            last = n;
            var entry = drop.Messages[n - 1];
            if (drop.Deleted.Contains(n) || _contents.ContainsKey(entry.Number)) continue;
            batch.Add(entry.Number);
            bytes += entry.Size;
        }
        if (batch.Count == 0) return ImmutableArray<long>.Empty;
        _requestedThrough = Math.Max(_requestedThrough, last);
        _inFlight = batch.ToImmutable();
        return _inFlight;
    }

    /// <summary>
    /// A batch arrived. Returns the numbers that were asked for but did not come (no longer in the
    /// mailbox). A cache that has grown large (clients that only TOP) keeps just the new batch.
    /// </summary>
    public ImmutableArray<long> Add(IEnumerable<FetchedMessage> fetched)
    {
        if (_contents.Count > 4 * batchMessages) _contents.Clear();
        foreach (var m in fetched) _contents[m.Number] = m.Content;
        var missing = _inFlight.Where(n => !_contents.ContainsKey(n)).ToImmutableArray();
        _inFlight = ImmutableArray<long>.Empty;
        return missing;
    }

    /// <summary>The fetch in flight will not come (timeout); what it asked for may be asked again.</summary>
    public void FetchFailed()
    {
        _inFlight = ImmutableArray<long>.Empty;
        _requestedThrough = 0;
    }
}

using System.Runtime.InteropServices;

namespace Gateway.AutoClip;

/// <summary>What <see cref="AutoClipStore.Record"/> did.</summary>
public enum RecordChange
{
    /// <summary>Nothing: the same send was recorded already, or a later one (a late, older send never moves a record back).</summary>
    Unchanged,

    /// <summary>A new record (none was there, or the one there had expired).</summary>
    Created,

    /// <summary>The owner wrote again: last used and expiry moved on.</summary>
    Refreshed,

    /// <summary>Another user wrote to the number through the module later: the latest sender owns the record now.</summary>
    TakenOver,

    /// <summary>Refused: this store already knows <see cref="AutoClipStore.MaxModules"/> module names.</summary>
    TooManyModules,
}

/// <summary>
/// The AutoCLIP records of one bucket: (number, module) → user, created, last used, and the index
/// that says which record expires next. Plain and single-owner: the bucket actor holds one and is
/// the only one that touches it; nothing of it is ever put in a message (queries return new
/// <see cref="AutoClipRecord"/>s). Every change is made by the same method on the live path and
/// when the journal is replayed, so recovery ends in exactly the state that was written.
/// <para>
/// Memory, for a million live records: the key is one <see cref="ulong"/> (the number's E.164
/// digits, 50 bits, and a 14-bit module id), module and user names are interned per store, and a
/// record is a 24-byte struct in a <see cref="Dictionary{TKey,TValue}"/> (about 44 bytes an entry
/// with the hash table). Expiry is one priority queue of (key, expires-at) with lazy deletion: a
/// refresh adds an entry and the superseded one is skipped when it comes up; the queue is rebuilt
/// when stale entries outnumber live ones. All times are Unix milliseconds.
/// </para>
/// </summary>
public sealed class AutoClipStore
{
    /// <summary>Distinct module names one store can key (14 bits of the key).</summary>
    public const int MaxModules = 1 << ModuleBits;

    private const int ModuleBits = 14;
    private const ulong ModuleMask = MaxModules - 1;

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct Entry
    {
        public int User;
        public long Created;
        public long LastUsed;
    }

    private readonly Dictionary<ulong, Entry> _records;
    private PriorityQueue<ulong, long> _expiry = new();
    private readonly NameTable _modules = new();
    private readonly NameTable _users = new();
    private bool _indexing = true;

    /// <param name="expiresAfter">How long a record lives after its last use; zero = forever.</param>
    public AutoClipStore(TimeSpan expiresAfter, int capacity = 0)
    {
        ExpiresAfterMs = expiresAfter > TimeSpan.Zero ? (long)expiresAfter.TotalMilliseconds : 0;
        _records = new Dictionary<ulong, Entry>(capacity);
    }

    /// <summary>0 = records never expire.</summary>
    public long ExpiresAfterMs { get; }

    public int Count => _records.Count;

    /// <summary>Entries in the expiry index, stale ones included (for tests and the benchmark).</summary>
    public int ExpiryIndexSize => _expiry.Count;

    // ------------------------------------------------------------------ changes (live and replay)

    /// <summary>
    /// A send from <paramref name="user"/> to <paramref name="number"/> through <paramref name="module"/>
    /// at <paramref name="atMs"/>: create, refresh or take over the record; the latest send wins.
    /// </summary>
    public RecordChange Record(long number, string module, string user, long atMs)
    {
        if (!_modules.TryGetId(module, out var moduleId))
        {
            if (_modules.Count >= MaxModules) return RecordChange.TooManyModules;
            moduleId = _modules.IdOf(module);
        }
        var key = KeyOf(number, moduleId);
        var userId = _users.IdOf(user);
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_records, key, out var existed);
        RecordChange change;
        if (!existed || IsExpired(entry, atMs))
        {
            entry = new Entry { User = userId, Created = atMs, LastUsed = atMs };
            change = RecordChange.Created;
        }
        else if (atMs < entry.LastUsed || (atMs == entry.LastUsed && entry.User == userId))
            return RecordChange.Unchanged;
        else if (entry.User == userId)
        {
            entry.LastUsed = atMs;
            change = RecordChange.Refreshed;
        }
        else
        {
            entry = new Entry { User = userId, Created = atMs, LastUsed = atMs };
            change = RecordChange.TakenOver;
        }
        Index(key, atMs);
        return change;
    }

    /// <summary>Forgets one record (an operator's delete); false when there was none.</summary>
    public bool Erase(long number, string module) =>
        _modules.TryGetId(module, out var id) && _records.Remove(KeyOf(number, id));

    /// <summary>Forgets records that expired (their keys as <see cref="TakeDue"/> gave them).</summary>
    public void Expire(IEnumerable<(long Number, string Module)> keys)
    {
        foreach (var (number, module) in keys) Erase(number, module);
    }

    // ------------------------------------------------------------------ reads

    /// <summary>The owner of a live record for (number, module) at <paramref name="nowMs"/>, or null.</summary>
    public string? OwnerOf(long number, string module, long nowMs) =>
        _modules.TryGetId(module, out var id) && _records.TryGetValue(KeyOf(number, id), out var e) && !IsExpired(e, nowMs)
            ? _users[e.User]
            : null;

    /// <summary>The module of <paramref name="user"/>'s most recently used live record for <paramref name="number"/>, or null.</summary>
    public string? StickyModuleOf(long number, string user, long nowMs)
    {
        if (!_users.TryGetId(user, out var userId)) return null;
        string? best = null;
        var bestUsed = long.MinValue;
        // A number has a record per module it was written through: try each module this store knows.
        for (var m = 0; m < _modules.Count; m++)
            if (_records.TryGetValue(KeyOf(number, m), out var e) && e.User == userId && !IsExpired(e, nowMs) && e.LastUsed > bestUsed)
            {
                best = _modules[m];
                bestUsed = e.LastUsed;
            }
        return best;
    }

    /// <summary>
    /// Live records matching every filter given (null = any), the first <paramref name="limit"/> by
    /// (number, module); <c>Truncated</c> when more matched, <c>Matched</c> how many did.
    /// </summary>
    public (IReadOnlyList<AutoClipRecord> Records, bool Truncated, int Matched) Query(string? numberPrefix, string? user, string? module, int limit, long nowMs)
    {
        long prefix = 0;
        var prefixLength = 0;
        if (!string.IsNullOrEmpty(numberPrefix) && numberPrefix != "+" && !AutoClipNumber.TryParsePrefix(numberPrefix, out prefix, out prefixLength))
            return ([], false, 0);
        var userId = -1;
        if (user is not null && !_users.TryGetId(user, out userId)) return ([], false, 0);
        var moduleId = -1;
        if (module is not null && !_modules.TryGetId(module, out moduleId)) return ([], false, 0);

        var matches = new List<ulong>();
        foreach (var (key, e) in _records)
        {
            if (userId >= 0 && e.User != userId) continue;
            if (moduleId >= 0 && (int)(key & ModuleMask) != moduleId) continue;
            if (prefixLength > 0 && !AutoClipNumber.StartsWith(NumberOf(key), prefix, prefixLength)) continue;
            if (IsExpired(e, nowMs)) continue;
            matches.Add(key);
        }
        matches.Sort((a, b) => NumberOf(a) != NumberOf(b) ? NumberOf(a).CompareTo(NumberOf(b))
            : string.CompareOrdinal(_modules[(int)(a & ModuleMask)], _modules[(int)(b & ModuleMask)]));
        var take = Math.Min(limit, matches.Count);
        var records = new AutoClipRecord[take];
        for (var i = 0; i < take; i++) records[i] = ToRecord(matches[i], _records[matches[i]]);
        return (records, matches.Count > take, matches.Count);
    }

    /// <summary>When the next record expires (Unix ms), or null when none will.</summary>
    public long? NextExpiryMs
    {
        get
        {
            while (_expiry.TryPeek(out var key, out var due))
            {
                if (IsCurrent(key, due)) return due;
                _expiry.Dequeue(); // superseded by a refresh, or the record is gone
            }
            return null;
        }
    }

    /// <summary>
    /// Takes up to <paramref name="max"/> records that have expired by <paramref name="nowMs"/> out
    /// of the expiry index and returns their keys; the records stay until <see cref="Expire"/> is
    /// applied with them (after the event saying so is written).
    /// </summary>
    public IReadOnlyList<(long Number, string Module)> TakeDue(long nowMs, int max)
    {
        var due = new List<(long, string)>();
        var seen = new HashSet<ulong>();
        while (due.Count < max && _expiry.TryPeek(out var key, out var at) && at <= nowMs)
        {
            _expiry.Dequeue();
            if (IsCurrent(key, at) && seen.Add(key)) due.Add((NumberOf(key), _modules[(int)(key & ModuleMask)]));
        }
        return due;
    }

    /// <summary>Stops maintaining the expiry index (while the journal is replayed); <see cref="RebuildExpiryIndex"/> makes it whole again.</summary>
    public void SuspendIndexing() => _indexing = false;

    /// <summary>Builds the expiry index from the records in one pass and resumes maintaining it.</summary>
    public void RebuildExpiryIndex()
    {
        _indexing = true;
        if (ExpiresAfterMs == 0)
        {
            _expiry = new PriorityQueue<ulong, long>();
            return;
        }
        var items = new (ulong, long)[_records.Count];
        var i = 0;
        foreach (var (key, e) in _records) items[i++] = (key, e.LastUsed + ExpiresAfterMs);
        _expiry = new PriorityQueue<ulong, long>(items);
    }

    // ------------------------------------------------------------------ snapshot

    private const byte SnapshotFormat = 1;

    /// <summary>
    /// The whole store in a compact binary form: name tables, then records sorted by key with
    /// delta-coded keys and times (about 10–14 bytes a record).
    /// </summary>
    public byte[] ExportSnapshot()
    {
        var keys = new ulong[_records.Count];
        _records.Keys.CopyTo(keys, 0);
        Array.Sort(keys);
        var baseTime = long.MaxValue;
        foreach (var e in _records.Values) baseTime = Math.Min(baseTime, e.LastUsed);
        if (keys.Length == 0) baseTime = 0;

        using var stream = new MemoryStream(64 + keys.Length * 14);
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(SnapshotFormat);
            _modules.Write(w);
            _users.Write(w);
            w.Write7BitEncodedInt(keys.Length);
            w.Write7BitEncodedInt64(baseTime);
            ulong previous = 0;
            foreach (var key in keys)
            {
                var e = _records[key];
                w.Write7BitEncodedInt64((long)(key - previous));
                w.Write7BitEncodedInt(e.User);
                w.Write7BitEncodedInt64(e.LastUsed - baseTime);
                w.Write7BitEncodedInt64(e.LastUsed - e.Created);
                previous = key;
            }
        }
        return stream.ToArray();
    }

    /// <summary>A store holding what <see cref="ExportSnapshot"/> wrote; its expiry index is built only by <see cref="RebuildExpiryIndex"/>.</summary>
    public static AutoClipStore ImportSnapshot(ReadOnlySpan<byte> data, TimeSpan expiresAfter)
    {
        using var stream = new MemoryStream(data.ToArray(), writable: false);
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8);
        var format = r.ReadByte();
        if (format != SnapshotFormat) throw new InvalidDataException($"unknown AutoCLIP snapshot format {format}");
        var modules = NameTable.Read(r);
        var users = NameTable.Read(r);
        var count = r.Read7BitEncodedInt();
        if (count < 0 || count > data.Length) throw new InvalidDataException($"AutoCLIP snapshot claims {count} records in {data.Length} bytes");
        var store = new AutoClipStore(expiresAfter, count);
        store._indexing = false;
        store._modules.CopyFrom(modules);
        store._users.CopyFrom(users);
        var baseTime = r.Read7BitEncodedInt64();
        ulong key = 0;
        for (var i = 0; i < count; i++)
        {
            key += (ulong)r.Read7BitEncodedInt64();
            var user = r.Read7BitEncodedInt();
            var lastUsed = baseTime + r.Read7BitEncodedInt64();
            var created = lastUsed - r.Read7BitEncodedInt64();
            if ((int)(key & ModuleMask) >= store._modules.Count || user >= store._users.Count)
                throw new InvalidDataException("AutoCLIP snapshot names a module or user it does not list");
            store._records[key] = new Entry { User = user, Created = created, LastUsed = lastUsed };
        }
        return store;
    }

    // ------------------------------------------------------------------ parts

    private static ulong KeyOf(long number, int moduleId) => ((ulong)number << ModuleBits) | (uint)moduleId;

    private static long NumberOf(ulong key) => (long)(key >> ModuleBits);

    private bool IsExpired(in Entry e, long nowMs) => ExpiresAfterMs > 0 && nowMs >= e.LastUsed + ExpiresAfterMs;

    /// <summary>True when the index entry (key, due) is the record's current expiry (not one a refresh superseded).</summary>
    private bool IsCurrent(ulong key, long due) =>
        _records.TryGetValue(key, out var e) && e.LastUsed + ExpiresAfterMs == due;

    private void Index(ulong key, long lastUsed)
    {
        if (!_indexing || ExpiresAfterMs == 0) return;
        _expiry.Enqueue(key, lastUsed + ExpiresAfterMs);
        if (_expiry.Count > 2 * _records.Count + 1024) RebuildExpiryIndex();
    }

    private AutoClipRecord ToRecord(ulong key, Entry e) => new(
        AutoClipNumber.Format(NumberOf(key)),
        _modules[(int)(key & ModuleMask)],
        _users[e.User],
        DateTimeOffset.FromUnixTimeMilliseconds(e.Created),
        DateTimeOffset.FromUnixTimeMilliseconds(e.LastUsed),
        ExpiresAfterMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(e.LastUsed + ExpiresAfterMs) : null);

    /// <summary>Names interned to small ids, in the order first seen; never shrinks (module and user names come from the configuration).</summary>
    private sealed class NameTable
    {
        private readonly List<string> _names = [];
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

        public int Count => _names.Count;

        public string this[int id] => _names[id];

        public bool TryGetId(string name, out int id) => _ids.TryGetValue(name, out id);

        public int IdOf(string name)
        {
            if (_ids.TryGetValue(name, out var id)) return id;
            id = _names.Count;
            var interned = string.IsInterned(name) ?? name;
            _names.Add(interned);
            _ids[interned] = id;
            return id;
        }

        public void Write(BinaryWriter w)
        {
            w.Write7BitEncodedInt(_names.Count);
            foreach (var n in _names) w.Write(n);
        }

        public static NameTable Read(BinaryReader r)
        {
            var table = new NameTable();
            var count = r.Read7BitEncodedInt();
            if (count < 0 || count > MaxModules * 64) throw new InvalidDataException($"AutoCLIP snapshot claims {count} names");
            for (var i = 0; i < count; i++) table.IdOf(r.ReadString());
            return table;
        }

        public void CopyFrom(NameTable other)
        {
            foreach (var n in other._names) IdOf(n);
        }
    }
}

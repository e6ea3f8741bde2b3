using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gateway.AutoClip;
using Xunit;

namespace Gateway.Tests.AutoClip;

/// <summary>The AutoCLIP record store on its own: record, refresh, latest sender, expiry index, queries, snapshots.</summary>
public class AutoClipStoreTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private const long T0 = 1_790_000_000_000; // Unix ms
    private static readonly long HourMs = (long)Hour.TotalMilliseconds;
    private const long Alice = 420777123456;

    [Fact]
    public void A_send_creates_a_record_that_a_later_send_by_the_same_user_refreshes()
    {
        var store = new AutoClipStore(Hour);
        Assert.Equal(RecordChange.Created, store.Record(Alice, "gsm-1", "alice", T0));
        Assert.Equal(RecordChange.Refreshed, store.Record(Alice, "gsm-1", "alice", T0 + 1000));
        var record = Assert.Single(store.Query(null, null, null, 10, T0).Records);
        Assert.Equal(new AutoClipRecord("+420777123456", "gsm-1", "alice",
            DateTimeOffset.FromUnixTimeMilliseconds(T0), DateTimeOffset.FromUnixTimeMilliseconds(T0 + 1000),
            DateTimeOffset.FromUnixTimeMilliseconds(T0 + 1000 + HourMs)), record);
    }

    [Fact]
    public void The_latest_sender_owns_the_record_and_a_late_older_send_does_not_take_it_back()
    {
        var store = new AutoClipStore(Hour);
        store.Record(Alice, "gsm-1", "alice", T0);
        Assert.Equal(RecordChange.TakenOver, store.Record(Alice, "gsm-1", "bob", T0 + 10));
        Assert.Equal(RecordChange.Unchanged, store.Record(Alice, "gsm-1", "alice", T0 + 5));
        Assert.Equal(RecordChange.Unchanged, store.Record(Alice, "gsm-1", "bob", T0 + 10));
        Assert.Equal("bob", store.OwnerOf(Alice, "gsm-1", T0 + 20));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 10), store.Query(null, null, null, 10, T0).Records[0].Created);
    }

    [Fact]
    public void Records_are_kept_per_module_so_one_number_can_belong_to_different_users_on_different_modules()
    {
        var store = new AutoClipStore(Hour);
        store.Record(Alice, "gsm-1", "alice", T0);
        store.Record(Alice, "gsm-2", "bob", T0);
        Assert.Equal("alice", store.OwnerOf(Alice, "gsm-1", T0));
        Assert.Equal("bob", store.OwnerOf(Alice, "gsm-2", T0));
        Assert.Null(store.OwnerOf(Alice, "gsm-3", T0));
        Assert.Null(store.OwnerOf(420777000000, "gsm-1", T0));
    }

    [Fact]
    public void A_record_past_its_expiry_is_gone_for_lookups_before_the_timer_removes_it_and_a_new_send_starts_afresh()
    {
        var store = new AutoClipStore(Hour);
        store.Record(Alice, "gsm-1", "alice", T0);
        Assert.Equal("alice", store.OwnerOf(Alice, "gsm-1", T0 + HourMs - 1));
        Assert.Null(store.OwnerOf(Alice, "gsm-1", T0 + HourMs));
        Assert.Null(store.StickyModuleOf(Alice, "alice", T0 + HourMs));
        Assert.Empty(store.Query(null, null, null, 10, T0 + HourMs).Records);
        Assert.Equal(1, store.Count); // still held until expiry is applied

        Assert.Equal(RecordChange.Created, store.Record(Alice, "gsm-1", "alice", T0 + 2 * HourMs));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 2 * HourMs), store.Query(null, null, null, 10, T0 + 2 * HourMs).Records[0].Created);
    }

    [Fact]
    public void The_sticky_module_is_the_users_most_recently_used_live_record_for_the_number()
    {
        var store = new AutoClipStore(Hour);
        store.Record(Alice, "gsm-1", "alice", T0);
        store.Record(Alice, "gsm-2", "alice", T0 + 100);
        store.Record(Alice, "gsm-3", "bob", T0 + 200);
        Assert.Equal("gsm-2", store.StickyModuleOf(Alice, "alice", T0 + 300));
        Assert.Equal("gsm-3", store.StickyModuleOf(Alice, "bob", T0 + 300));
        Assert.Null(store.StickyModuleOf(Alice, "carol", T0 + 300));
        Assert.Equal("gsm-2", store.StickyModuleOf(Alice, "alice", T0 + HourMs + 50)); // gsm-1 has expired, gsm-2 not yet
        Assert.Null(store.StickyModuleOf(Alice, "alice", T0 + HourMs + 100));
    }

    [Fact]
    public void The_expiry_index_gives_each_record_when_it_really_expires_and_skips_superseded_entries()
    {
        var store = new AutoClipStore(Hour);
        store.RebuildExpiryIndex();
        store.Record(Alice, "gsm-1", "alice", T0);
        store.Record(420777000001, "gsm-1", "bob", T0 + 1000);
        store.Record(Alice, "gsm-1", "alice", T0 + 5000); // refreshed: its first expiry no longer counts
        Assert.Equal(T0 + 1000 + HourMs, store.NextExpiryMs);

        Assert.Empty(store.TakeDue(T0 + HourMs + 999, 100));
        Assert.Equal([(420777000001L, "gsm-1")], store.TakeDue(T0 + 1000 + HourMs, 100));
        store.Expire([(420777000001L, "gsm-1")]);
        Assert.Equal(T0 + 5000 + HourMs, store.NextExpiryMs);
        Assert.Equal([(Alice, "gsm-1")], store.TakeDue(T0 + 10 * HourMs, 100));
        store.Expire([(Alice, "gsm-1")]);
        Assert.Equal(0, store.Count);
        Assert.Null(store.NextExpiryMs);
    }

    [Fact]
    public void TakeDue_takes_at_most_the_given_number_and_leaves_the_rest_for_the_next_call()
    {
        var store = new AutoClipStore(Hour);
        store.RebuildExpiryIndex();
        for (var i = 0; i < 25; i++) store.Record(420777000000 + i, "gsm-1", "alice", T0 + i);
        var first = store.TakeDue(T0 + 2 * HourMs, 10);
        store.Expire(first);
        var second = store.TakeDue(T0 + 2 * HourMs, 100);
        store.Expire(second);
        Assert.Equal(10, first.Count);
        Assert.Equal(15, second.Count);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void Refreshing_one_record_over_and_over_keeps_the_expiry_index_small()
    {
        var store = new AutoClipStore(Hour);
        store.RebuildExpiryIndex();
        for (var i = 0; i < 20_000; i++) store.Record(Alice, "gsm-1", "alice", T0 + i);
        Assert.InRange(store.ExpiryIndexSize, 1, 1024 + 3);
        Assert.Equal(T0 + 19_999 + HourMs, store.NextExpiryMs);
    }

    [Fact]
    public void Records_that_never_expire_have_no_expiry_and_no_index()
    {
        var store = new AutoClipStore(TimeSpan.Zero);
        store.RebuildExpiryIndex();
        store.Record(Alice, "gsm-1", "alice", T0);
        Assert.Null(store.NextExpiryMs);
        Assert.Equal("alice", store.OwnerOf(Alice, "gsm-1", T0 + 1000 * HourMs));
        Assert.Null(store.Query(null, null, null, 10, T0).Records[0].ExpiresAt);
        Assert.Equal(0, store.ExpiryIndexSize);
    }

    [Fact]
    public void Queries_filter_by_number_prefix_user_and_module_and_come_sorted_by_number_up_to_the_limit()
    {
        var store = new AutoClipStore(Hour);
        store.Record(420777000002, "gsm-2", "bob", T0);
        store.Record(420777000001, "gsm-1", "alice", T0);
        store.Record(420777000001, "gsm-2", "alice", T0);
        store.Record(421900000001, "gsm-1", "alice", T0);
        store.Record(1555000001, "gsm-1", "alice", T0);

        Assert.Equal(["+1555000001", "+420777000001", "+420777000001", "+420777000002", "+421900000001"],
            store.Query(null, null, null, 10, T0).Records.Select(r => r.Number));
        Assert.Equal(["gsm-1", "gsm-2"], store.Query("+420777000001", null, null, 10, T0).Records.Select(r => r.Module));
        Assert.Equal(3, store.Query("+420", null, null, 10, T0).Records.Count);
        Assert.Equal(3, store.Query("420", null, null, 10, T0).Records.Count);
        Assert.Single(store.Query("+1", null, null, 10, T0).Records);
        Assert.Equal(4, store.Query(null, "alice", null, 10, T0).Records.Count);
        Assert.Equal(["+420777000001", "+420777000002"], store.Query(null, null, "gsm-2", 10, T0).Records.Select(r => r.Number));
        Assert.Single(store.Query("+420", "alice", "gsm-2", 10, T0).Records);
        Assert.Empty(store.Query(null, "nobody", null, 10, T0).Records);
        Assert.Empty(store.Query("+42x", null, null, 10, T0).Records);

        var (two, truncated, matched) = store.Query(null, null, null, 2, T0);
        Assert.Equal(2, two.Count);
        Assert.True(truncated);
        Assert.Equal(5, matched);
        Assert.False(store.Query(null, null, null, 5, T0).Truncated);
    }

    [Fact]
    public void Erase_forgets_one_record_and_says_whether_there_was_one()
    {
        var store = new AutoClipStore(Hour);
        store.Record(Alice, "gsm-1", "alice", T0);
        Assert.False(store.Erase(Alice, "gsm-2"));
        Assert.True(store.Erase(Alice, "gsm-1"));
        Assert.False(store.Erase(Alice, "gsm-1"));
        Assert.Null(store.OwnerOf(Alice, "gsm-1", T0));
    }

    [Fact]
    public void A_snapshot_brings_back_every_record_with_its_times_and_a_working_expiry_index()
    {
        var store = new AutoClipStore(Hour);
        for (var i = 0; i < 1000; i++) store.Record(420700000000 + i * 7919, $"gsm-{i % 5}", $"user{i % 13}", T0 + i * 1000);
        store.Record(420700000000, "gsm-0", "user0", T0 + 5_000_000);
        var bytes = store.ExportSnapshot();
        Assert.InRange(bytes.Length, 1000 * 6, 1000 * 16); // about 10-14 bytes a record

        var restored = AutoClipStore.ImportSnapshot(bytes, Hour);
        restored.RebuildExpiryIndex();
        Assert.Equal(store.Query(null, null, null, 5000, T0).Records, restored.Query(null, null, null, 5000, T0).Records);
        Assert.Equal(store.NextExpiryMs, restored.NextExpiryMs);
        Assert.Equal(AutoClipStore.ImportSnapshot(new AutoClipStore(Hour).ExportSnapshot(), Hour).Count, 0);
    }

    [Theory]
    [InlineData(new byte[] { 9 })]
    [InlineData(new byte[] { 1, 1, 5, (byte)'g', (byte)'s', (byte)'m', (byte)'-', (byte)'1', 0, 200, 1 })]
    [InlineData(new byte[] { 1, 0, 0, 1, 0, 1, 5, 0, 0, 0 })]
    public void A_damaged_snapshot_is_refused_with_a_reason_not_loaded_half_way(byte[] damaged)
    {
        var e = Assert.ThrowsAny<Exception>(() => AutoClipStore.ImportSnapshot(damaged, Hour));
        Assert.True(e is InvalidDataException or EndOfStreamException, e.GetType().Name);
    }

    [Fact]
    public void A_store_refuses_a_module_beyond_the_most_it_can_key()
    {
        var store = new AutoClipStore(Hour);
        for (var m = 0; m < AutoClipStore.MaxModules; m++) Assert.Equal(RecordChange.Created, store.Record(Alice, $"m{m}", "alice", T0));
        Assert.Equal(RecordChange.TooManyModules, store.Record(Alice, "one-too-many", "alice", T0));
        Assert.Equal(RecordChange.Refreshed, store.Record(Alice, "m7", "alice", T0 + 1));
    }

    // ------------------------------------------------------------------ snapshots taken ahead of the journal

    /// <summary>One change as the bucket makes it on the live path.</summary>
    public sealed record Op(int Kind, int Number, int Module, int User, int At);

    private static readonly Gen<Op> Ops =
        from kind in Gen.Frequency((6, Gen.Constant(0)), (1, Gen.Constant(1)), (2, Gen.Constant(2)))
        from number in Gen.Choose(0, 2)
        from module in Gen.Choose(0, 1)
        from user in Gen.Choose(0, 2)
        from at in Gen.Choose(0, 30)
        select new Op(kind, number, module, user, at);

    /// <summary>Applies an op to the live store and returns the events it writes (as the bucket does).</summary>
    private static IEnumerable<IAutoClipEvent> Live(AutoClipStore store, Op op)
    {
        long number = 420777000000 + op.Number;
        var module = "gsm-" + op.Module;
        var at = T0 + op.At * 1000L;
        switch (op.Kind)
        {
            case 0:
                if (store.Record(number, module, "u" + op.User, at) != RecordChange.Unchanged)
                    yield return new AutoClipWritten(number, module, "u" + op.User, at);
                break;
            case 1:
                if (store.Erase(number, module)) yield return new AutoClipErased(number, module, at);
                break;
            default:
                var due = store.TakeDue(at, 1000);
                store.Expire(due);
                if (due.Count > 0) yield return new AutoClipsExpired([.. due.Select(k => new AutoClipKey(k.Number, k.Module))], at);
                break;
        }
    }

    private static void Replay(AutoClipStore store, IAutoClipEvent e)
    {
        switch (e)
        {
            case AutoClipWritten w: store.Record(w.Number, w.Module, w.User, w.AtMs); break;
            case AutoClipsExpired x: store.Expire(x.Keys.Select(k => (k.Number, k.Module))); break;
            case AutoClipErased d: store.Erase(d.Number, d.Module); break;
        }
    }

    private static IReadOnlyList<AutoClipRecord> All(AutoClipStore store) => store.Query(null, null, null, 10_000, 0).Records;

    /// <summary>
    /// The bucket snapshots in a write's handler, when later changes may already be in the store
    /// while their events are still being written. Recovery loads that snapshot and replays the
    /// events after its sequence number; it must end exactly where the live store ended.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property A_snapshot_that_already_holds_later_changes_recovers_to_the_same_records() =>
        Prop.ForAll(Ops.ArrayOf().ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (ops, a, b) =>
        {
            var live = new AutoClipStore(TimeSpan.FromSeconds(5));
            live.RebuildExpiryIndex();
            var events = new List<IAutoClipEvent>();
            var states = new List<byte[]> { live.ExportSnapshot() }; // states[i]: after the first i events
            foreach (var op in ops)
                foreach (var e in Live(live, op))
                {
                    events.Add(e);
                    states.Add(live.ExportSnapshot());
                }

            var written = events.Count == 0 ? 0 : a % (events.Count + 1);                 // sequence number of the snapshot
            var decided = written + (events.Count == written ? 0 : b % (events.Count - written + 1)); // what its store already held
            var recovered = AutoClipStore.ImportSnapshot(states[decided], TimeSpan.FromSeconds(5));
            foreach (var e in events.Skip(written)) Replay(recovered, e);
            Assert.Equal(All(live), All(recovered));
        });
}

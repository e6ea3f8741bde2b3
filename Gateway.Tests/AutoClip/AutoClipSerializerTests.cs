using Akka.Actor;
using Gateway.AutoClip;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.AutoClip;

/// <summary>Every AutoCLIP event and message survives the compact serializer, and the binding picks it.</summary>
public class AutoClipSerializerTests() : Akka.TestKit.Xunit2.TestKit(new SqliteJournal().AkkaConfig)
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 13, 45, 30, TimeSpan.FromHours(1));

    private static readonly object[] Samples =
    [
        new AutoClipWritten(420777123456, "gsm-1", "alice", 1_790_000_000_123),
        new AutoClipErased(420777123456, "gsm-1", 1_790_000_000_123),
        new RecordAutoClip("+420777123456", "gsm-1", "alice", At),
        new LookupReplyOwner("+420777123456", "gsm-1"),
        new LookupStickyModule("alice", "+420777123456"),
        new ListAutoClip("+420", null, "gsm-2", 50),
        new ListAutoClip(null, "bob", null),
        new DeleteAutoClip("+420777123456", "gsm-1"),
        new WakeAutoClipBucket(31),
        new ListAutoClipBucket(5, new ListAutoClip("+1", "alice", "gsm-1", 10)),
        new AutoClipRecorded("+420777123456", "gsm-1"),
        new AutoClipRefused("777", "gsm-1", "not E.164"),
        new ReplyOwner("+420777123456", "gsm-1", "alice"),
        new ReplyOwner("+420777123456", "gsm-1", null),
        new StickyModule("alice", "+420777123456", null),
        new AutoClipDeleted("+420777123456", "gsm-1", true),
    ];

    public static IEnumerable<object[]> Messages() => Samples.Select(s => new[] { s });

    [Theory]
    [MemberData(nameof(Messages))]
    public void A_message_comes_back_equal(object message)
    {
        var serializer = Assert.IsType<AutoClipSerializer>(Sys.Serialization.FindSerializerFor(message));
        Assert.Equal(message, serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message)));
    }

    [Fact]
    public void An_expiry_event_and_a_list_come_back_with_every_key_and_record()
    {
        var serializer = new AutoClipSerializer((ExtendedActorSystem)Sys);
        var expired = new AutoClipsExpired([new AutoClipKey(420777000001, "gsm-1"), new AutoClipKey(420777000002, "gsm-2"), new AutoClipKey(1555000001, "gsm-1")], 1_790_000_000_000);
        var back = (AutoClipsExpired)serializer.FromBinary(serializer.ToBinary(expired), serializer.Manifest(expired));
        Assert.Equal(expired.Keys.ToArray(), back.Keys.ToArray());
        Assert.Equal(expired.AtMs, back.AtMs);

        var list = new AutoClipList([new AutoClipRecord("+420777000001", "gsm-1", "alice", At, At.AddMinutes(1), At.AddHours(72)),
            new AutoClipRecord("+420777000002", "gsm-2", "bob", At, At, null)], Truncated: true, BucketsUnanswered: 2, Matched: 70);
        var listBack = (AutoClipList)serializer.FromBinary(serializer.ToBinary(list), serializer.Manifest(list));
        Assert.Equal(list.Records, listBack.Records);
        Assert.True(listBack.Truncated);
        Assert.Equal(2, listBack.BucketsUnanswered);
        Assert.Equal(70, listBack.Matched);

        var snapshot = new AutoClipSnapshot([1, 2, 3]);
        Assert.Equal(snapshot.Data.ToArray(), ((AutoClipSnapshot)serializer.FromBinary(serializer.ToBinary(snapshot), "S1")).Data.ToArray());
    }

    [Fact]
    public void Every_type_marked_for_the_AutoCLIP_serializer_is_covered_here()
    {
        var sampled = Samples.Select(m => m.GetType())
            .Concat([typeof(AutoClipsExpired), typeof(AutoClipList), typeof(AutoClipSnapshot)]).ToHashSet();
        var marked = typeof(IAutoClipSerializable).Assembly.GetTypes()
            .Where(t => typeof(IAutoClipSerializable).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false });
        Assert.Empty(marked.Where(t => !sampled.Contains(t)).Select(t => t.Name));
    }

    [Fact]
    public void Data_that_claims_more_items_than_it_holds_is_refused()
    {
        var serializer = new AutoClipSerializer((ExtendedActorSystem)Sys);
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0x01], "E2"));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "E9"));
    }
}

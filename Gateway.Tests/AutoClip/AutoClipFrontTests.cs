using Akka.Actor;
using Gateway.AutoClip;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.AutoClip;

/// <summary>
/// The per-node AutoCLIP front with a probe in the place of the shard region: requests about one
/// number go through, numbers that cannot have a record are answered at once, and a list query
/// fans out to every bucket and merges what comes back.
/// </summary>
public class AutoClipFrontTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Every_bucket_is_woken_when_the_front_starts()
    {
        var region = CreateTestProbe();
        Sys.ActorOf(AutoClipFront.Props(region, Wait));
        var woken = new HashSet<int>();
        for (var i = 0; i < AutoClipSharding.BucketCount; i++) woken.Add((await region.ExpectMsgAsync<WakeAutoClipBucket>(Wait)).Bucket);
        Assert.Equal(AutoClipSharding.BucketCount, woken.Count);
    }

    [Fact]
    public async Task Requests_about_an_E164_number_go_to_the_region_and_others_are_answered_here()
    {
        var region = CreateTestProbe();
        var front = Sys.ActorOf(AutoClipFront.Props(region, Wait));
        await Collect.AllAsync(region.ReceiveNAsync(AutoClipSharding.BucketCount, Wait));

        var record = new RecordAutoClip("+420777123456", "gsm-1", "alice", T0);
        front.Tell(record);
        Assert.Equal(record, await region.ExpectMsgAsync<RecordAutoClip>(Wait));
        Assert.Equal(TestActor, region.LastSender); // the bucket answers the asker directly

        front.Tell(new RecordAutoClip("777123456", "gsm-1", "alice", T0));
        Assert.Contains("not an E.164 number", (await ExpectMsgAsync<AutoClipRefused>(Wait)).Reason);
        front.Tell(new LookupReplyOwner("ACME", "gsm-1"));
        await ExpectMsgAsync(new ReplyOwner("ACME", "gsm-1", null), Wait);
        front.Tell(new LookupStickyModule("alice", "12345"));
        await ExpectMsgAsync(new StickyModule("alice", "12345", null), Wait);
        front.Tell(new DeleteAutoClip("x", "gsm-1"));
        await ExpectMsgAsync(new AutoClipDeleted("x", "gsm-1", false), Wait);
        await region.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    private static AutoClipRecord Record(string number, string module) => new(number, module, "alice", T0, T0, null);

    [Fact]
    public async Task A_list_query_asks_every_bucket_and_answers_the_first_records_by_number()
    {
        var region = CreateTestProbe();
        var front = Sys.ActorOf(AutoClipFront.Props(region, Wait));
        await Collect.AllAsync(region.ReceiveNAsync(AutoClipSharding.BucketCount, Wait));

        front.Tell(new ListAutoClip("+420", null, null, Limit: 3));
        for (var i = 0; i < AutoClipSharding.BucketCount; i++)
        {
            var ask = await region.ExpectMsgAsync<ListAutoClipBucket>(Wait);
            Assert.Equal("+420", ask.Query.NumberPrefix);
            AutoClipRecord[] records = ask.Bucket switch
            {
                0 => [Record("+420777000009", "gsm-1")],
                1 => [Record("+420777000001", "gsm-2"), Record("+420777000001", "gsm-1")],
                2 => [Record("+42077700002", "gsm-1")],
                _ => [],
            };
            region.Reply(new AutoClipList(records, false, 0, records.Length));
        }
        var list = await ExpectMsgAsync<AutoClipList>(Wait);
        Assert.Equal([("+42077700002", "gsm-1"), ("+420777000001", "gsm-1"), ("+420777000001", "gsm-2")],
            list.Records.Select(r => (r.Number, r.Module)));
        Assert.True(list.Truncated);
        Assert.Equal(0, list.BucketsUnanswered);
        Assert.Equal(4, list.Matched);
    }

    [Fact]
    public async Task A_list_query_answers_within_its_timeout_and_says_how_many_buckets_did_not_answer()
    {
        var region = CreateTestProbe();
        var front = Sys.ActorOf(AutoClipFront.Props(region, TimeSpan.FromMilliseconds(500)));
        await Collect.AllAsync(region.ReceiveNAsync(AutoClipSharding.BucketCount, Wait));

        front.Tell(new ListAutoClip(null, null, null, Limit: 1_000_000));
        var asks = await Collect.AllAsync(region.ReceiveNAsync(AutoClipSharding.BucketCount, Wait));
        Assert.All(asks, a => Assert.Equal(ListAutoClip.MaxLimit, ((ListAutoClipBucket)a).Query.Limit));
        region.Reply(new AutoClipList([Record("+420777000001", "gsm-1")], false));
        var list = await ExpectMsgAsync<AutoClipList>(Wait);
        Assert.Single(list.Records);
        Assert.Equal(AutoClipSharding.BucketCount - 1, list.BucketsUnanswered);
    }
}

using Akka.Actor;
using Gateway.AutoClip;
using Gateway.Routing.Incoming;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.AutoClip;

/// <summary>AutoCLIP buckets and the incoming ledger on a real PostgreSQL server, across a node restart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AutoClipPostgresTests(PostgresServer postgres)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [PostgresFact]
    public async Task Records_and_kept_SMS_written_on_PostgreSQL_are_there_for_the_next_node()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var settings = TestSettings.Gateway($$"""
            gateway.storage { provider = postgresql, connection-string = "{{connectionString}}" }
            gateway.autoclip.snapshot-every = 10
            """);
        var sentAt = DateTimeOffset.UtcNow;
        var kept = new KeptSms("gsm-1:1:abc", KeptReason.Dropped, sentAt, "gsm-1", "operator-a", "+420777200001", sentAt, "spam", null, 0, null, 1, []);
        await using (var first = await GatewayNode.StartAsync(settings))
        {
            for (var i = 0; i < 100; i++)
                Assert.IsType<AutoClipRecorded>(await first.Actor<AutoClipRegion>().Ask<object>(
                    new RecordAutoClip($"+4207775{i:D5}", "gsm-1", i % 2 == 0 ? "alice" : "bob", sentAt), Wait));
            Assert.Equal(new AutoClipDeleted("+420777500001", "gsm-1", true),
                await first.Actor<AutoClipRegion>().Ask<AutoClipDeleted>(new DeleteAutoClip("+420777500001", "gsm-1"), Wait));
            await first.Actor<IncomingLedgerKey>().Ask<SmsKept>(new KeepSms(kept), Wait);
        }

        await using var second = await GatewayNode.StartAsync(settings);
        var alice = await second.Actor<AutoClipRegion>().Ask<AutoClipList>(new ListAutoClip(null, "alice", null), Wait);
        Assert.Equal(50, alice.Matched);
        var bob = await second.Actor<AutoClipRegion>().Ask<AutoClipList>(new ListAutoClip(null, "bob", null), Wait);
        Assert.Equal(49, bob.Matched);
        Assert.Equal("bob", (await second.Actor<AutoClipRegion>().Ask<ReplyOwner>(new LookupReplyOwner("+420777500003", "gsm-1"), Wait)).User);
        var records = await second.Actor<IncomingLedgerKey>().Ask<KeptSmsList>(new ListKeptSms(KeptReason.Dropped), Wait);
        Assert.Equal("spam", Assert.Single(records.Records).Text);
    }
}

using Akka.Actor;
using Gateway.AutoClip;
using Gateway.Modem.Virtual;
using Gateway.Routing.Incoming;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging;
using MailKit.Net.Pop3;
using MailKit.Security;
using MimeKit;
using Gateway.Tests.Modem.Virtual;
using Xunit;
using static Gateway.Tests.Routing.Incoming.IncomingNode;

namespace Gateway.Tests.Routing.Incoming;

/// <summary>
/// One node shared by the end-to-end tests: virtual phones send to SIMs, the modules read them,
/// the router applies the rules (asking AutoCLIP), mailboxes store them, POP3 clients fetch them.
/// Each test uses its own phone numbers (and where it matters its own module and user), so the
/// tests do not see each other's messages.
/// </summary>
public sealed class IncomingNodeFixture : IAsyncLifetime
{
    public GatewayNode Node { get; private set; } = null!;

    public CapturedLog Log { get; } = new();

    /// <summary>AutoCLIP records live this long: long enough for a test, and a test can plant one that is about to expire.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromHours(1);

    public static readonly TimeSpan ReassemblyTimeout = TimeSpan.FromSeconds(3);

    public async Task InitializeAsync()
    {
        var settings = TestSettings.Gateway($$"""
            gateway.log.level = info
            {{FastTimings}}
            gateway.routing.reassembly-timeout = {{(int)ReassemblyTimeout.TotalMilliseconds}}ms
            gateway.autoclip.expires-after = {{(int)Expiry.TotalMinutes}}m
            gateway.sms-groups {
              office { }
              alerts { }
            }
            gateway.modules {
              gsm-1 { node = "node-a", group = office, transport = virtual, number = "+420600000001" }
              gsm-2 { node = "node-a", group = office, transport = virtual, number = "+420600000002" }
              gsm-3 { node = "node-a", group = alerts, transport = virtual, number = "+420600000003" }
            }
            gateway.routing {
              incoming = [
                { group = office, action = autoclip }
                { group = office, senders = ["+420777100*"], action = deliver, user = bob }
                { group = alerts, text-prefix = "SPAM", action = drop }
                { group = alerts, action = deliver, user = carol }
                { group = office, senders = ["+420777200*"], action = drop }
              ]
              vip = [
                { number = "+420777999999", user = dave }
                { number = "+420777888888", user = gina }
              ]
            }
            """, extraUsers: ["carol", "dave", "erin", "frank", "gina"]);
        Node = await GatewayNode.StartAsync(settings, logging: l =>
        {
            l.SetMinimumLevel(LogLevel.Information);
            l.AddProvider(Log);
        });
    }

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

public class IncomingEndToEndTests(IncomingNodeFixture fixture) : IClassFixture<IncomingNodeFixture>
{
    private GatewayNode Node => fixture.Node;

    private VirtualModem Sim(int i) => Node.Network.Modem($"+42060000000{i}")!;

    private VirtualPhone Phone(string number) => Node.Network.Phone(number);

    [Fact]
    public async Task An_SMS_on_a_deliver_rule_reaches_the_named_user_over_POP3_and_leaves_the_SIM()
    {
        Phone("+420777500001").Send("+420600000003", "Server room temperature 31 °C");
        var mail = await AwaitMessageAsync(Node, "carol", m => m.TextBody.Contains("Server room temperature 31 °C"));
        Assert.Equal("+420777500001@sms.example.net", ((MailboxAddress)mail.From.Single()).Address);
        Assert.Equal("gsm-3", mail.Headers["X-Gateway-Module"]);
        Assert.Equal("alerts", mail.Headers["X-Gateway-Group"]);
        await AwaitSimEmptyAsync(Sim(3));
    }

    [Fact]
    public async Task A_reply_from_a_number_with_a_live_AutoCLIP_record_goes_to_the_user_who_wrote_through_that_module()
    {
        await RecordAutoClipAsync(Node, "+420777100001", "gsm-1", "alice", DateTimeOffset.UtcNow);

        Phone("+420777100001").Send("+420600000001", "Yes, 5 pm works");
        var mail = await AwaitMessageAsync(Node, "alice", m => m.TextBody.Contains("Yes, 5 pm works"));
        Assert.Equal("+420777100001@sms.example.net", ((MailboxAddress)mail.From.Single()).Address);

        // The record is for gsm-1 only: the same phone writing to gsm-2 falls through to the next rule (bob).
        Phone("+420777100001").Send("+420600000002", "And this went to the other SIM");
        await AwaitMessageAsync(Node, "bob", m => m.TextBody.Contains("And this went to the other SIM"));
        Assert.DoesNotContain(await MessagesAsync(Node, "alice"), m => m.TextBody.Contains("the other SIM"));
        await AwaitSimEmptyAsync(Sim(1));
    }

    [Fact]
    public async Task A_reply_after_the_record_expired_goes_to_the_fallback_rule()
    {
        // alice wrote (almost) an hour ago: the record expires in a second and its timer forgets it.
        var sentAt = DateTimeOffset.UtcNow - IncomingNodeFixture.Expiry + TimeSpan.FromSeconds(1);
        await RecordAutoClipAsync(Node, "+420777100002", "gsm-2", "alice", sentAt);
        var autoClip = Node.Actor<AutoClipRegion>();
        var deadline = DateTime.UtcNow + Patience;
        while ((await autoClip.Ask<AutoClipList>(new ListAutoClip("+420777100002", null, null), Patience)).Records.Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the record did not expire");
            await Task.Delay(100);
        }

        Phone("+420777100002").Send("+420600000002", "Sorry, only saw this now");
        await AwaitMessageAsync(Node, "bob", m => m.TextBody.Contains("Sorry, only saw this now"));
        Assert.DoesNotContain(await MessagesAsync(Node, "alice"), m => m.TextBody.Contains("only saw this now"));
    }

    [Fact]
    public async Task When_two_users_write_to_the_same_number_through_the_same_module_the_reply_goes_to_the_latest_sender()
    {
        var now = DateTimeOffset.UtcNow;
        await RecordAutoClipAsync(Node, "+420777600001", "gsm-1", "erin", now.AddSeconds(-10));
        await RecordAutoClipAsync(Node, "+420777600001", "gsm-1", "frank", now);
        // A late, older send does not take the record back.
        await RecordAutoClipAsync(Node, "+420777600001", "gsm-1", "erin", now.AddSeconds(-5));

        Phone("+420777600001").Send("+420600000001", "Who is this?");
        await AwaitMessageAsync(Node, "frank", m => m.TextBody.Contains("Who is this?"));
        Assert.DoesNotContain(await MessagesAsync(Node, "erin"), m => m.TextBody.Contains("Who is this?"));
    }

    [Fact]
    public async Task A_dropped_SMS_is_recorded_with_sender_time_and_rule_and_its_SIM_copy_is_deleted()
    {
        var before = DateTimeOffset.UtcNow;
        Phone("+420777200001").Send("+420600000001", "Win a prize now");
        var record = await AwaitKeptAsync(Node, KeptReason.Dropped, k => k.Sender == "+420777200001");
        Assert.Equal(4, record.RuleIndex);
        Assert.Equal("gsm-1", record.Module);
        Assert.Equal("Win a prize now", record.Text);
        Assert.True(record.KeptAt >= before.AddSeconds(-1));

        // The text-prefix rule on the alerts group drops too.
        Phone("+420777200002").Send("+420600000003", "spam: cheap watches");
        Assert.Equal(2, (await AwaitKeptAsync(Node, KeptReason.Dropped, k => k.Sender == "+420777200002")).RuleIndex);
        await AwaitSimEmptyAsync(Sim(1));
        await AwaitSimEmptyAsync(Sim(3));
        Assert.DoesNotContain(await MessagesAsync(Node, "carol"), m => m.TextBody.Contains("cheap watches"));
    }

    [Fact]
    public async Task A_VIP_sender_reaches_its_user_whatever_the_rules_say()
    {
        Phone("+420777999999").Send("+420600000003", "Call me, the boss");
        await AwaitMessageAsync(Node, "dave", m => m.TextBody.Contains("Call me, the boss"));
        Assert.DoesNotContain(await MessagesAsync(Node, "carol"), m => m.TextBody.Contains("the boss"));
    }

    [Fact]
    public async Task An_SMS_no_rule_matches_is_kept_as_a_record_and_leaves_the_SIM()
    {
        Phone("+420777300001").Send("+420600000002", "Nobody routes me");
        var record = await AwaitKeptAsync(Node, KeptReason.Unmatched, k => k.Sender == "+420777300001");
        Assert.Equal("Nobody routes me", record.Text);
        Assert.Null(record.RuleIndex);
        await AwaitSimEmptyAsync(Sim(2));
    }

    [Fact]
    public async Task An_undecodable_message_on_a_SIM_is_kept_with_its_raw_PDU_and_problem_and_leaves_the_SIM()
    {
        // A message whose TP-MTI is the reserved value, as a broken phone or network might store it.
        const string pdu = "040C912470772143650000423051315403400441F45B0D";
        var sim = Sim(2);
        StoredSms stored;
        lock (sim.Lock) stored = sim.Sim.Storage.Store(Convert.FromHexString(pdu), StoredSmsStatus.ReceivedUnread)!;
        sim.InjectUnsolicited($"+CMTI: \"SM\",{stored.Index}");

        var record = await AwaitKeptAsync(Node, KeptReason.Undecodable, k => k.PduHex == pdu);
        Assert.Contains("TP-MTI 11 is reserved", record.Problem);
        Assert.Equal("gsm-2", record.Module);
        await AwaitSimEmptyAsync(sim);
    }

    /// <summary>166 UTF-16 units with an emoji: three UCS2 parts (67 units each).</summary>
    private const string LongUnicode =
        "Příliš žluťoučký kůň úpěl ďábelské ódy. Dobrý den, posílám podrobnosti k zítřejší schůzce: " +
        "začínáme v 9:30 v zasedačce ve třetím patře, vezměte si notebook. Děkuji 👍";

    [Fact]
    public async Task A_three_part_Unicode_SMS_arriving_out_of_order_and_with_a_part_twice_is_delivered_once_whole()
    {
        var sent = Phone("+420777400001").Send("+420600000003", LongUnicode, Parts(3, 1, 1, 2, 3));
        Assert.Equal(3, sent.Parts);
        var mail = await AwaitMessageAsync(Node, "carol", m => m.TextBody.Contains("Příliš žluťoučký"));
        Assert.Equal(LongUnicode, mail.TextBody.TrimEnd('\r', '\n'));
        Assert.Equal("3", mail.Headers["X-Gateway-Parts"]);
        await AwaitSimEmptyAsync(Sim(3)); // all five SIM slots, the two copies included
        Assert.Single(await MessagesAsync(Node, "carol"), m => m.TextBody.Contains("Příliš žluťoučký"));
    }

    [Fact]
    public async Task A_message_still_missing_a_part_after_the_reassembly_timeout_is_delivered_marked_incomplete()
    {
        Phone("+420777400002").Send("+420600000003", LongUnicode.Replace("Příliš", "Neúplná"), Parts(1, 3));
        var mail = await AwaitMessageAsync(Node, "carol", m => m.TextBody.Contains("Neúplná"));
        Assert.EndsWith("(incomplete)", mail.Subject);
        Assert.Equal("part 2 of 3 never arrived", mail.Headers["X-Gateway-Incomplete"]);
        Assert.StartsWith("[Incomplete SMS: part 2 of 3 never arrived.]", mail.TextBody);
        Assert.Contains("Děkuji 👍", mail.TextBody); // part 3 is there
        // It went because the wait was over, not because the buffer gave it up for another reason.
        Assert.Contains(fixture.Log.Lines, l => l.Contains("part(s) 2 of a 3-part SMS from +420777400002 did not arrive within"));
        await AwaitSimEmptyAsync(Sim(3));
    }

    [Fact]
    public async Task mpop_fetches_a_routed_SMS_for_the_right_user_and_deletes_it_on_the_server()
    {
        Phone("+420777888888").Send("+420600000001", "Fetched by mpop, žluťoučký");
        await AwaitMessageAsync(Node, "gina", m => m.TextBody.Contains("Fetched by mpop"));

        var downloaded = await new Mpop(Node.Pop3().Port, "gina", "gina-pw").FetchAsync();
        Assert.Contains("From: \"+420777888888\" <+420777888888@sms.example.net>", downloaded);
        Assert.Contains("To: gina <gina@sms.example.net>", downloaded);
        Assert.Empty(await MessagesAsync(Node, "gina"));
    }
}

/// <summary>A node whose mailboxes hold one message: an SMS for a full mailbox waits on the SIM until mail is deleted.</summary>
public class MailboxFullTests
{
    [Fact]
    public async Task An_SMS_for_a_full_mailbox_stays_on_the_SIM_says_why_and_is_delivered_once_space_is_freed()
    {
        var log = new CapturedLog();
        var settings = TestSettings.Gateway($$"""
            gateway.log.level = info
            {{FastTimings}}
            gateway.mail.mailbox.max-messages = 1
            gateway.modules { gsm-1 { node = "node-a", group = operator-a, transport = virtual, number = "+420600000001" } }
            gateway.routing.incoming = [ { group = operator-a, action = deliver, user = alice } ]
            """);
        await using var node = await GatewayNode.StartAsync(settings, logging: l => l.AddProvider(log));
        var sim = node.Network.Modem("+420600000001")!;
        var phone = node.Network.Phone("+420777123456");

        phone.Send("+420600000001", "fills the mailbox");
        await AwaitMessageAsync(node, "alice", m => m.TextBody.Contains("fills the mailbox"));
        await AwaitSimEmptyAsync(sim);

        phone.Send("+420600000001", "waits on the SIM");
        Assert.True(await log.WaitForAsync("was not stored: the mailbox is full", Patience), log.ToString());
        Assert.True(log.Contains("mailbox alice is full"), log.ToString());
        Assert.Single(sim.StoredMessages);
        Assert.Single(await MessagesAsync(node, "alice"));

        using (var client = new Pop3Client())
        {
            await client.ConnectAsync("127.0.0.1", node.Pop3().Port, SecureSocketOptions.None);
            await client.AuthenticateAsync("alice", TestSettings.AlicePassword);
            await client.DeleteMessageAsync(0);
            await client.DisconnectAsync(true);
        }

        var mail = await AwaitMessageAsync(node, "alice", m => m.TextBody.Contains("waits on the SIM"));
        Assert.Equal("SMS from +420777123456", mail.Subject);
        await AwaitSimEmptyAsync(sim);
        Assert.Single(await MessagesAsync(node, "alice"));
    }
}

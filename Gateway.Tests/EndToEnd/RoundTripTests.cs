using System.Diagnostics;
using Akka.Actor;
using Gateway.AutoClip;
using Gateway.Sms;
using Gateway.Tests.Routing.Support;
using MimeKit;
using Xunit;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// The product's promise in one node: a user's e-mail (MailKit over SMTP) leaves a virtual modem
/// as an SMS, the phone answers that SIM, AutoCLIP names the user who wrote, and the answer is in
/// that user's POP3 mailbox (MailKit) with a From address that replies by SMS again.
/// </summary>
public sealed class RoundTripTests
{
    // AutoCLIP first; what it cannot place goes to bob, so a misrouted reply is visible, not dropped.
    private const string Rules = """
        gateway.routing.incoming = [
          { group = operator-a, action = autoclip }
          { group = "*", action = deliver, user = bob }
        ]
        """;

    [Fact]
    public async Task A_reply_to_an_emailed_SMS_comes_back_to_the_sender_over_POP3_ready_to_be_answered_again()
    {
        await using var node = await RoutingNode.StartAsync(modules: 2, Rules);
        Assert.Contains("queued as SMS job", await node.SendAsync("Are we still on for 5 pm?", to: "+420777123456"));
        var sms = (await node.PhoneAsync("+420777123456")).Single();
        Assert.Equal(("Are we still on for 5 pm?", SmsCoding.Gsm7, 1), (sms.Text, sms.Coding, sms.Parts));

        await RecordedAsync(node, "+420777123456", sms.From, "alice");
        node.Network.Phone("+420777123456").Send(sms.From, "Yes, see you there");

        var mail = (await node.Pop3UntilAsync(1, "alice")).Single();
        Assert.Equal("Yes, see you there", mail.TextBody.Trim());
        var from = (MailboxAddress)mail.From.Single();
        Assert.Equal("+420777123456@sms.example.net", from.Address);
        Assert.Equal("alice@sms.example.net", ((MailboxAddress)mail.To.Single()).Address);
        Assert.Equal(sms.From, mail.Headers["X-Gateway-Sim"]);
        Assert.Empty(await node.Pop3Async("bob"));

        // Reply in the mail client = an e-mail to the From address: it goes out again through the same SIM.
        await node.SendAsync("Great, bring the slides", to: from.Address.Split('@')[0]);
        var second = await node.PhoneAsync("+420777123456", count: 2);
        Assert.Equal(("Great, bring the slides", sms.From), (second[1].Text, second[1].From));
    }

    [Fact]
    public async Task Two_users_writing_to_different_phones_each_get_their_own_answers()
    {
        await using var node = await RoutingNode.StartAsync(modules: 2, Rules);
        await node.SendAsync("Question from alice", to: "+420777000001", user: "alice");
        await node.SendAsync("Question from bob", to: "+420777000002", user: "bob");
        var toAlice = (await node.PhoneAsync("+420777000001")).Single();
        var toBob = (await node.PhoneAsync("+420777000002")).Single();

        await RecordedAsync(node, "+420777000001", toAlice.From, "alice");
        await RecordedAsync(node, "+420777000002", toBob.From, "bob");
        node.Network.Phone("+420777000002").Send(toBob.From, "Answer for bob");
        node.Network.Phone("+420777000001").Send(toAlice.From, "Answer for alice");

        Assert.Equal("Answer for alice", (await node.Pop3UntilAsync(1, "alice")).Single().TextBody.Trim());
        Assert.Equal("Answer for bob", (await node.Pop3UntilAsync(1, "bob")).Single().TextBody.Trim());
    }

    [Fact]
    public async Task A_three_part_Unicode_message_goes_out_in_three_UCS2_parts_and_a_three_part_answer_comes_back_whole()
    {
        await using var node = await RoutingNode.StartAsync(modules: 2, Rules);
        var question = string.Concat(Enumerable.Repeat("Příliš žluťoučký kůň úpěl ďábelské ódy. ", 4)).Trim(); // 159 chars: 3 UCS2 parts of 67
        Assert.Contains("queued as SMS job", await node.SendAsync(question, to: "+420777123456"));
        var sms = (await node.PhoneAsync("+420777123456")).Single();
        Assert.Equal((question, SmsCoding.Ucs2, 3), (sms.Text, sms.Coding, sms.Parts));

        await RecordedAsync(node, "+420777123456", sms.From, "alice");
        var answer = string.Concat(Enumerable.Repeat("Ано, все в порядке 👍 ", 8)).Trim(); // a surrogate pair per repeat, 3 parts
        var sent = node.Network.Phone("+420777123456").Send(sms.From, answer);
        Assert.Equal((3, SmsCoding.Ucs2), (sent.Parts, sent.Coding));

        var mail = (await node.Pop3UntilAsync(1, "alice")).Single();
        Assert.Equal(answer, mail.TextBody.Trim());
        Assert.Equal("3", mail.Headers["X-Gateway-Parts"]);
    }

    /// <summary>
    /// Waits until AutoCLIP holds <paramref name="user"/>'s record for the phone and the SIM its SMS
    /// came from, as a person would take a moment to answer: the record is written milliseconds
    /// after the modem reports the send, and a reply quicker than that finds none (see README, AutoCLIP).
    /// </summary>
    private static async Task RecordedAsync(RoutingNode node, string phone, string sim, string user)
    {
        var module = node.Node.Settings.Modules.Single(m => m.Value.Number == sim).Key;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var owner = await node.Node.Actor<AutoClipRegion>().Ask<ReplyOwner>(new LookupReplyOwner(phone, module), RoutingNode.Patience);
            if (owner.User == user) return;
            Assert.True(deadline.Elapsed < RoutingNode.Patience, $"no AutoCLIP record ({phone}, {module}) for {user}: {owner.User ?? "none"}");
            await Task.Delay(20);
        }
    }
}

using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Mail.Smtp;
using Gateway.Sms;
using Xunit;

namespace Gateway.Tests.Mail.Smtp;

/// <summary>Who may appear in MAIL FROM and which RCPT TO addresses are SMS destinations.</summary>
public class SubmissionRulesTests
{
    private static readonly Account Alice = new("alice", "alice@sms.example.net",
        new UserSettings("alice", "alice@sms.example.net", "unused", ["operator-a"], NotifyMode.Failures));

    private sealed class OnlyCzechMobiles : IOutgoingPermissions
    {
        public OutgoingPermission Check(string user, PhoneNumber destination) =>
            destination.E164.StartsWith("+4207") ? OutgoingPermission.Granted : OutgoingPermission.Refused("no outgoing rule matches");
    }

    private static (bool Ok, AcceptedRecipient? Accepted, SmtpReply? Refusal) Recipient(string local, string domain, IOutgoingPermissions? permissions = null)
    {
        var ok = SubmissionRules.CheckRecipient(Alice, local, domain, "sms.example.net", "420",
            permissions ?? AllowEveryDestination.Instance, out var accepted, out var refusal);
        return (ok, accepted, refusal);
    }

    [Theory]
    [InlineData("alice", "sms.example.net")]
    [InlineData("Alice", "SMS.example.net")]
    public void The_own_address_is_accepted_as_sender_in_any_case(string local, string domain) =>
        Assert.Null(SubmissionRules.CheckSender(Alice, local, domain));

    [Fact]
    public void Another_sender_address_is_refused_with_553_naming_the_own_address()
    {
        var reply = SubmissionRules.CheckSender(Alice, "bob", "sms.example.net");
        Assert.Equal(553, reply!.Code);
        Assert.Contains("<alice@sms.example.net>", reply.Text);
        Assert.Contains("<bob@sms.example.net>", reply.Text);
    }

    [Fact]
    public void The_null_sender_is_refused() => Assert.Equal(553, SubmissionRules.CheckSender(Alice, "", "")!.Code);

    [Theory]
    [InlineData("+420777123456", "+420777123456")]
    [InlineData("00420777123456", "+420777123456")]
    [InlineData("777123456", "+420777123456")]
    [InlineData("+420 777 123 456", "+420777123456")]
    public void A_number_at_the_sms_domain_is_a_destination(string local, string e164)
    {
        var (ok, accepted, _) = Recipient(local, "sms.example.net");
        Assert.True(ok);
        Assert.Equal(e164, accepted!.Number.E164);
    }

    [Fact]
    public void Another_domain_is_a_relay_attempt_and_refused_with_550()
    {
        var (ok, _, refusal) = Recipient("bob", "example.com");
        Assert.False(ok);
        Assert.Equal(550, refusal!.Code);
        Assert.Contains("relay denied", refusal.Text);
        Assert.Contains("<number>@sms.example.net", refusal.Text);
    }

    [Theory]
    [InlineData("bob", "contains 'b'")]
    [InlineData("+42077", "too short")]
    [InlineData("+4207771234567890", "too long")]
    public void An_invalid_number_is_refused_with_553_saying_what_is_wrong(string local, string problem)
    {
        var (ok, _, refusal) = Recipient(local, "sms.example.net");
        Assert.False(ok);
        Assert.Equal(553, refusal!.Code);
        Assert.Contains("is not a phone number", refusal.Text);
        Assert.Contains(problem, refusal.Text);
    }

    [Fact]
    public void A_destination_the_outgoing_rules_refuse_gets_550_with_their_reason()
    {
        Assert.True(Recipient("+420777123456", "sms.example.net", new OnlyCzechMobiles()).Ok);
        var (ok, _, refusal) = Recipient("+491701234567", "sms.example.net", new OnlyCzechMobiles());
        Assert.False(ok);
        Assert.Equal(550, refusal!.Code);
        Assert.Contains("no outgoing rule matches", refusal.Text);
    }

    [Fact]
    public void Reply_texts_stay_printable_ascii_on_one_line()
    {
        var reply = new SmtpReply(553, "bad \"číslo\"\r\n250 injected");
        Assert.DoesNotContain('\n', reply.ToString());
        Assert.All(reply.ToString(), c => Assert.InRange(c, ' ', '~'));
    }
}

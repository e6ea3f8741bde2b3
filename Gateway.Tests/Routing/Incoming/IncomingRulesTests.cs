using Gateway.Configuration;
using Gateway.Routing.Incoming;
using Gateway.Sms;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Routing.Incoming;

/// <summary>The incoming rules as a pure function, on rules read from real HOCON.</summary>
public class IncomingRulesTests
{
    private static RoutingSettings Rules(string incoming, string vip = "[]", string postmaster = "") =>
        TestSettings.Gateway($$"""
            gateway.sms-groups {
              office { }
              alerts { }
            }
            gateway.routing {
              incoming = {{incoming}}
              vip = {{vip}}
              postmaster = "{{postmaster}}"
            }
            """, extraUsers: ["carol", "dave"]).Routing;

    // Wednesday 2026-11-25, 10:00 local.
    private static readonly DateTime Wednesday10 = new(2026, 11, 25, 10, 0, 0);

    private static IncomingSmsFacts Sms(string from = "+420777123456", string group = "office", string text = "Hello", DateTime? at = null,
        AddressType type = AddressType.International)
    {
        var sender = new SmsAddress(type, from);
        return new IncomingSmsFacts(sender, IncomingSmsFacts.NumberOf(sender, "420"), "gsm-1", group, text, at ?? Wednesday10);
    }

    [Fact]
    public void The_first_matching_rule_decides()
    {
        var rules = Rules("""
            [
              { group = alerts, action = drop }
              { group = office, action = deliver, user = alice }
              { group = "*", action = deliver, user = bob }
            ]
            """);
        Assert.Equal(new DeliverToUser("alice", DeliveryReason.Rule, 1), IncomingRules.Decide(rules, Sms()));
        Assert.Equal(new DropSms(0), IncomingRules.Decide(rules, Sms(group: "alerts")));
        Assert.Equal(new DeliverToUser("bob", DeliveryReason.Rule, 2), IncomingRules.Decide(rules, Sms(group: "other")));
    }

    [Fact]
    public void A_VIP_sender_goes_to_its_user_whatever_the_rules_say()
    {
        var rules = Rules("""[ { group = "*", action = drop } ]""", vip: """[ { number = "+420777999999", user = dave } ]""");
        Assert.Equal(new DeliverToUser("dave", DeliveryReason.Vip, null), IncomingRules.Decide(rules, Sms("+420777999999")));
        // A VIP number written nationally by the network is the same number.
        Assert.Equal(new DeliverToUser("dave", DeliveryReason.Vip, null), IncomingRules.Decide(rules, Sms("777999999", type: AddressType.National)));
        Assert.Equal(new DropSms(0), IncomingRules.Decide(rules, Sms("+420777999998")));
    }

    [Theory]
    [InlineData("+420777*", "+420777123456", true)]
    [InlineData("+420777*", "+420778123456", false)]
    [InlineData("+42077712345?", "+420777123456", true)]
    [InlineData("+42077712345?", "+4207771234567", false)]
    [InlineData("ACME", "ACME", true)]
    [InlineData("acme", "ACME", true)]
    [InlineData("+420*", "ACME", false)]
    [InlineData("*", "ACME", true)]
    public void Sender_masks_match_numbers_by_digit_patterns_and_names_literally(string mask, string sender, bool matches)
    {
        var rules = Rules($$"""[ { group = office, senders = ["{{mask}}"], action = deliver, user = alice } ]""");
        var type = sender.StartsWith('+') ? AddressType.International : AddressType.Alphanumeric;
        Assert.Equal(matches, IncomingRules.Decide(rules, Sms(sender, type: type)) is DeliverToUser);
    }

    [Theory]
    [InlineData("STOP please", true)]
    [InlineData("  stop", true)]
    [InlineData("Please stop", false)]
    public void A_text_prefix_matches_the_start_of_the_text_ignoring_case_and_leading_blanks(string text, bool matches)
    {
        var rules = Rules("""[ { group = office, text-prefix = "STOP", action = drop } ]""");
        Assert.Equal(matches, IncomingRules.Decide(rules, Sms(text: text)) is DropSms);
    }

    [Fact]
    public void A_rule_with_hours_and_weekdays_applies_only_then()
    {
        var rules = Rules("""
            [
              { group = office, hours = "08:00-18:00", weekdays = [mon, tue, wed, thu, fri], action = deliver, user = alice }
              { group = office, hours = "22:00-06:00", action = deliver, user = carol }
              { group = office, action = deliver, user = bob }
            ]
            """);
        Assert.Equal("alice", ((DeliverToUser)IncomingRules.Decide(rules, Sms(at: Wednesday10))).User);
        Assert.Equal("bob", ((DeliverToUser)IncomingRules.Decide(rules, Sms(at: Wednesday10.AddHours(9)))).User);   // 19:00
        Assert.Equal("carol", ((DeliverToUser)IncomingRules.Decide(rules, Sms(at: Wednesday10.AddHours(13)))).User); // 23:00, wraps midnight
        Assert.Equal("bob", ((DeliverToUser)IncomingRules.Decide(rules, Sms(at: Wednesday10.AddDays(3)))).User);     // Saturday 10:00
    }

    [Fact]
    public void An_autoclip_rule_asks_AutoCLIP_once_then_delivers_to_the_owner_or_falls_through()
    {
        var rules = Rules("""
            [
              { group = office, text-prefix = "URGENT", action = drop }
              { group = office, action = autoclip }
              { group = office, senders = ["+420777*"], action = autoclip }
              { group = office, action = deliver, user = bob }
            ]
            """);
        Assert.Equal(new LookUpAutoClip(1, "+420777123456"), IncomingRules.Decide(rules, Sms()));
        Assert.Equal(new DeliverToUser("alice", DeliveryReason.AutoClip, 1), IncomingRules.Decide(rules, Sms(), new AutoClipAnswer("alice")));
        // No live record: both autoclip rules fall through (the answer is the same for both), to bob.
        Assert.Equal(new DeliverToUser("bob", DeliveryReason.Rule, 3), IncomingRules.Decide(rules, Sms(), new AutoClipAnswer(null)));
    }

    [Fact]
    public void A_sender_that_is_no_number_cannot_have_an_AutoCLIP_record_so_autoclip_rules_pass_it_on_without_asking()
    {
        var rules = Rules("""
            [
              { group = office, action = autoclip }
              { group = office, action = deliver, user = bob }
            ]
            """);
        Assert.Equal(new DeliverToUser("bob", DeliveryReason.Rule, 1), IncomingRules.Decide(rules, Sms("ACME", type: AddressType.Alphanumeric)));
        // A national number is asked about in E.164, the form AutoCLIP records are written in.
        Assert.Equal(new LookUpAutoClip(0, "+420777123456"), IncomingRules.Decide(rules, Sms("0777123456", type: AddressType.National)));
    }

    [Fact]
    public void When_no_rule_matches_the_postmaster_gets_the_SMS_or_else_it_is_kept_as_a_record()
    {
        var rules = """[ { group = alerts, action = deliver, user = alice } ]""";
        Assert.Same(NoRuleMatched.Instance, IncomingRules.Decide(Rules(rules), Sms()));
        Assert.Equal(new DeliverToUser("carol", DeliveryReason.Postmaster, null), IncomingRules.Decide(Rules(rules, postmaster: "carol"), Sms()));
    }
}

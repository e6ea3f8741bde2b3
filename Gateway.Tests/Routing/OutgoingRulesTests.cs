using Gateway.Configuration;
using Gateway.Routing;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Routing;

/// <summary>The outgoing rule evaluator alone: users, masks, time windows, prefixes, groups intersected with the user's.</summary>
public class OutgoingRulesTests
{
    private static readonly DateTime MondayNoon = new(2026, 11, 23, 12, 0, 0);

    private static OutgoingRules Rules(string outgoing, string users = "", string groups = "operator-a {}\noperator-b {}\nvip {}")
    {
        var settings = TestSettings.Gateway($$"""
            gateway {
              sms-groups { {{groups}} }
              users { {{users}} }
              routing.outgoing = [ {{outgoing}} ]
            }
            """, extraUsers: ["carol"]);
        return OutgoingRules.From(settings);
    }

    private static RouteDecision.Route Routed(RouteDecision d) =>
        Assert.IsType<RouteDecision.Route>(d);

    private static string Refused(RouteDecision d) => Assert.IsType<RouteDecision.Refused>(d).Reason;

    [Fact]
    public void The_first_matching_rule_wins_and_gives_its_groups_in_order()
    {
        var rules = Rules("""
            { users = [alice], destinations = ["+420*"], groups = [operator-b, operator-a] }
            { users = ["*"], destinations = ["+420*"], groups = [operator-a] }
            """, users: "alice.sms-groups = [operator-a, operator-b]");

        var alice = Routed(rules.Decide("alice", "+420777123456", "Ahoj", MondayNoon));
        Assert.Equal(0, alice.Rule.Index);
        Assert.Equal(["operator-b", "operator-a"], alice.Groups.ToArray());

        var bob = Routed(rules.Decide("bob", "+420777123456", "Ahoj", MondayNoon));
        Assert.Equal(1, bob.Rule.Index);
        Assert.Equal(["operator-a"], bob.Groups.ToArray());
    }

    [Theory]
    [InlineData("+420*", "+420777123456", true)]
    [InlineData("+420*", "+421905123456", false)]
    [InlineData("+42077712345?", "+420777123456", true)]
    [InlineData("+42077712345?", "+42077712345", false)]
    [InlineData("+420???123456", "+420777123456", true)]
    [InlineData("+420???123456", "+4207771234567", false)]
    [InlineData("*", "+12025550123", true)]
    public void Destination_masks_match_E164_numbers_with_question_mark_for_one_digit_and_star_for_any(string mask, string number, bool matches)
    {
        var rules = Rules($$"""{ destinations = ["{{mask}}"], groups = [operator-a] }""");
        Assert.Equal(matches, rules.Decide("alice", number, "x", MondayNoon) is RouteDecision.Route);
    }

    [Fact]
    public void A_rule_for_named_users_does_not_apply_to_others_and_no_match_is_refused_with_a_reason()
    {
        var rules = Rules("""{ users = [alice], destinations = ["+420*"], groups = [operator-a] }""");
        Routed(rules.Decide("alice", "+420777123456", "x", MondayNoon));
        Assert.Equal("no outgoing rule lets bob send to +420777123456", Refused(rules.Decide("bob", "+420777123456", "x", MondayNoon)));
        Assert.Contains("no outgoing rule lets alice send to +4412345678", Refused(rules.Decide("alice", "+4412345678", "x", MondayNoon)));
    }

    [Fact]
    public void A_time_window_and_weekdays_limit_a_rule_and_the_refusal_says_when_it_applies()
    {
        var rules = Rules("""
            { destinations = ["+420*"], groups = [operator-a], hours = "08:00-18:00", weekdays = [mon, tue, wed, thu, fri] }
            """);
        Routed(rules.Decide("alice", "+420777123456", "x", MondayNoon));
        var evening = Refused(rules.Decide("alice", "+420777123456", "x", MondayNoon.AddHours(7)));
        Assert.Contains("rule 0 applies only 08:00-18:00 on mon, tue, wed, thu, fri", evening);
        Refused(rules.Decide("alice", "+420777123456", "x", MondayNoon.AddDays(5))); // Saturday noon
    }

    [Fact]
    public void A_later_rule_takes_over_outside_an_earlier_rules_hours()
    {
        var rules = Rules("""
            { destinations = ["+420*"], groups = [operator-a], hours = "08:00-18:00" }
            { destinations = ["+420*"], groups = [operator-b] }
            """, users: "alice.sms-groups = [operator-a, operator-b]");
        Assert.Equal(["operator-a"], Routed(rules.Decide("alice", "+420777123456", "x", MondayNoon)).Groups.ToArray());
        Assert.Equal(["operator-b"], Routed(rules.Decide("alice", "+420777123456", "x", MondayNoon.AddHours(10))).Groups.ToArray());
    }

    [Fact]
    public void Groups_are_the_rules_groups_the_user_may_use_and_a_rule_leaving_none_is_skipped()
    {
        var rules = Rules("""
            { destinations = ["+420*"], groups = [vip] }
            { destinations = ["+420*"], groups = [operator-b, operator-a] }
            """, users: "alice.sms-groups = [operator-a, vip]");
        Assert.Equal(["vip"], Routed(rules.Decide("alice", "+420777123456", "x", MondayNoon)).Groups.ToArray());
        // bob has only operator-a: the vip rule does not apply to him, the second rule does, narrowed to his group.
        var bob = Routed(rules.Decide("bob", "+420777123456", "x", MondayNoon));
        Assert.Equal(1, bob.Rule.Index);
        Assert.Equal(["operator-a"], bob.Groups.ToArray());
    }

    [Fact]
    public void A_user_without_groups_may_send_nothing()
    {
        var rules = Rules("""{ groups = [operator-a] }""");
        Assert.Contains("carol may use no SMS group", Refused(rules.Decide("carol", "+420777123456", "x", MondayNoon)));
        Assert.Contains("there is no user \"mallory\"", Refused(rules.Decide("mallory", "+420777123456", "x", MondayNoon)));
    }

    [Fact]
    public void A_rule_whose_groups_the_user_may_not_use_is_named_in_the_refusal()
    {
        var rules = Rules("""{ destinations = ["+420*"], groups = [vip] }""");
        Assert.Contains("rule 0 sends through vip, which bob may not use", Refused(rules.Decide("bob", "+420777123456", "x", MondayNoon)));
    }

    [Fact]
    public void A_text_prefix_selects_its_rule_case_insensitively_and_is_removed_from_the_SMS()
    {
        var rules = Rules("""
            { destinations = ["+420*"], groups = [operator-b], text-prefix = "#B" }
            { destinations = ["+420*"], groups = [operator-a] }
            """, users: "alice.sms-groups = [operator-a, operator-b]");

        var prefixed = Routed(rules.Decide("alice", "+420777123456", "  #b   Meet at 5", MondayNoon));
        Assert.Equal(["operator-b"], prefixed.Groups.ToArray());
        Assert.Equal("Meet at 5", prefixed.Text);

        var plain = Routed(rules.Decide("alice", "+420777123456", "Meet at #b 5", MondayNoon));
        Assert.Equal(["operator-a"], plain.Groups.ToArray());
        Assert.Equal("Meet at #b 5", plain.Text);
    }

    [Fact]
    public void At_RCPT_a_recipient_that_only_a_prefix_rule_allows_is_accepted_and_the_text_decides_at_DATA()
    {
        var rules = Rules("""{ destinations = ["+44*"], groups = [operator-a], text-prefix = "intl:" }""");

        var atRcpt = Routed(rules.CheckRecipient("alice", "+447700900123", MondayNoon));
        Assert.Null(atRcpt.Text);
        Assert.Contains("rule 0 needs the text to start with \"intl:\"", Refused(rules.Decide("alice", "+447700900123", "hello", MondayNoon)));
        Assert.Equal("hello", Routed(rules.Decide("alice", "+447700900123", "INTL: hello", MondayNoon)).Text);
    }

    [Fact]
    public void At_RCPT_a_recipient_no_rule_could_ever_allow_is_refused()
    {
        var rules = Rules("""{ destinations = ["+420*"], groups = [operator-a], text-prefix = "x" }""");
        Assert.Contains("no outgoing rule lets alice send to +421905123456", Refused(rules.CheckRecipient("alice", "+421905123456", MondayNoon)));
    }

    [Fact]
    public void Rules_read_the_time_in_the_nodes_zone()
    {
        var prague = TimeZoneInfo.FindSystemTimeZoneById("Europe/Prague");
        var at = new DateTimeOffset(2026, 11, 23, 17, 30, 0, TimeSpan.Zero); // 18:30 in Prague (CET, +1)
        Assert.Equal(new DateTime(2026, 11, 23, 18, 30, 0), OutgoingRules.LocalTime(at, prague));
    }
}

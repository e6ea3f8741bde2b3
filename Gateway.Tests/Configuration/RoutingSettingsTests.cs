using Akka.Configuration;
using Gateway.Configuration;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Configuration;

/// <summary>The keys the outgoing router reads: routing.sending, routing.notifications, destination masks.</summary>
public class RoutingSettingsTests
{
    private static SettingsResult Load(string hocon) =>
        GatewaySettings.Load(ConfigurationFactory.ParseString("gateway { sms-groups.g {}\n" + hocon + "\n}"));

    [Fact]
    public void Without_the_keys_the_documented_defaults_apply()
    {
        var routing = Load("").Settings!.Routing;
        Assert.Equal(SendingSettings.Default, routing.Sending);
        Assert.Equal(NotificationSettings.Default, routing.Notifications);
        Assert.Equal((5, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), 2),
            (routing.Sending.MaxAttempts, routing.Sending.RetryBackoffMin, routing.Sending.RetryBackoffMax, routing.Sending.NoModuleWait, routing.Sending.ModuleWindow));
        Assert.Equal("mailer-daemon@sms.example.net", routing.Notifications.FromAddress("sms.example.net"));
    }

    [Fact]
    public void The_shipped_configuration_spells_out_the_same_defaults()
    {
        var shipped = HoconFile.LoadSettings(Path.Combine(TestEnvironment.RepoRoot(), "hocon", "gateway.conf"));
        Assert.True(shipped.IsValid, string.Join("\n", shipped.Errors));
        Assert.Equal(SendingSettings.Default, shipped.Settings!.Routing.Sending);
        Assert.Equal(NotificationSettings.Default, shipped.Settings.Routing.Notifications);
        Assert.Equal(JobConsumerKind.Router, shipped.Settings.Routing.JobConsumer);
    }

    [Fact]
    public void Values_are_read_with_their_units()
    {
        var s = Load("""
            routing.sending { max-attempts = 3, retry-backoff-min = 500ms, retry-backoff-max = 5s, no-module-wait = 0,
              send-guard-margin = 1s, module-window = 4, sticky-lookup-timeout = 100ms, ack-timeout = 3s, max-active-jobs = 10 }
            routing.notifications { from = "robot@example.org", bounce-subject = "[{job}] {number} via {module}" }
            """).Settings!.Routing;
        Assert.Equal(new SendingSettings(3, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5), TimeSpan.Zero, TimeSpan.FromSeconds(1), 4,
            TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(3), 10), s.Sending);
        Assert.Equal(("robot@example.org", "[{job}] {number} via {module}"), (s.Notifications.From, s.Notifications.BounceSubject));
    }

    [Theory]
    [InlineData("routing.sending.max-attempts = 0", "gateway.routing.sending.max-attempts", "between 1 and 1000, not 0")]
    [InlineData("routing.sending { retry-backoff-min = 10s, retry-backoff-max = 1s }", "gateway.routing.sending.retry-backoff-max", "not be shorter")]
    [InlineData("routing.sending.module-window = 0", "gateway.routing.sending.module-window", "between 1 and 1000, not 0")]
    [InlineData("routing.sending.ack-timeout = fast", "gateway.routing.sending.ack-timeout", "")]
    [InlineData("routing.sending.retries = 3", "gateway.routing.sending.retries", "")]
    [InlineData("routing.notifications.from = \"not an address\"", "gateway.routing.notifications.from", "is not an e-mail address")]
    [InlineData("routing.notifications.delivered-subject = \"{user} got it\"", "gateway.routing.notifications.delivered-subject", "\"{user}\" is not a placeholder")]
    [InlineData("routing.outgoing = [ { destinations = [\"420*\"], groups = [g] } ]", "gateway.routing.outgoing[0].destinations", "must be written in E.164 with + (e.g. \"+420*\")")]
    [InlineData("routing.outgoing = [ { destinations = [\"ACME\"], groups = [g] } ]", "gateway.routing.outgoing[0].destinations", "E.164")]
    [InlineData("routing.job-consumer = carrier-pigeon", "gateway.routing.job-consumer", "")]
    public void A_bad_value_is_reported_with_its_key(string hocon, string path, string problem)
    {
        var result = Load(hocon);
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path == path && e.Problem.Contains(problem, StringComparison.OrdinalIgnoreCase));
    }
}

using Akka.Configuration;
using Gateway.Configuration;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Configuration;

/// <summary><c>gateway.cluster.module-registry</c>: defaults, values, bad values, and the Akka settings they become.</summary>
public class ModuleRegistrySettingsTests
{
    [Fact]
    public void Without_the_section_the_defaults_apply()
    {
        var s = TestSettings.Gateway().ModuleRegistry;
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10)), (s.GossipInterval, s.NotifyInterval, s.RepublishInterval));
    }

    [Fact]
    public void Given_values_are_read_and_become_the_distributed_data_settings()
    {
        var s = TestSettings.Gateway("gateway.cluster.module-registry { gossip-interval = 500ms, notify-interval = 50ms, republish-interval = 3s }").ModuleRegistry;
        Assert.Equal((TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(3)), (s.GossipInterval, s.NotifyInterval, s.RepublishInterval));
        var akka = ConfigurationFactory.ParseString(s.Hocon);
        Assert.Equal(TimeSpan.FromMilliseconds(500), akka.GetTimeSpan("akka.cluster.distributed-data.gossip-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(50), akka.GetTimeSpan("akka.cluster.distributed-data.notify-subscribers-interval"));
    }

    [Fact]
    public void A_bad_value_or_an_unknown_key_is_named_with_its_path()
    {
        var config = ConfigurationFactory.ParseString("""
            gateway.cluster.module-registry { gossip-interval = soon, notify-interval = 1ms, republish-intervall = 3s }
            """).WithFallback(ConfigurationFactory.ParseString("gateway { }"));
        var errors = GatewaySettings.Load(config).Errors.Select(e => e.ToString()).ToArray();
        Assert.Contains(errors, e => e.Contains("gateway.cluster.module-registry.gossip-interval") && e.Contains("soon"));
        Assert.Contains(errors, e => e.Contains("gateway.cluster.module-registry.notify-interval"));
        Assert.Contains(errors, e => e.Contains("gateway.cluster.module-registry.republish-intervall") && e.Contains("unknown key"));
    }
}

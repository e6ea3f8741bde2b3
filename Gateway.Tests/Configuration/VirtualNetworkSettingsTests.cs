using Akka.Configuration;
using Gateway.Configuration;
using Xunit;

namespace Gateway.Tests.Configuration;

public class VirtualNetworkSettingsTests
{
    private static SettingsResult Load(string hocon) => GatewaySettings.Load(ConfigurationFactory.ParseString(hocon));

    [Fact]
    public void The_virtual_network_keys_are_read_with_their_units()
    {
        var result = Load("""
            gateway.virtual-network {
              send-latency = 250ms, status-reports = off, status-report-delay = 3s
              control-port = 7199, sim-capacity = 5, ack-timeout = 2s
            }
            """);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var v = result.Settings!.VirtualNetwork;
        Assert.Equal(new VirtualNetworkSettings(TimeSpan.FromMilliseconds(250), false, TimeSpan.FromSeconds(3), 7199) { SimCapacity = 5, AckTimeout = TimeSpan.FromSeconds(2) }, v);
    }

    [Fact]
    public void Without_the_section_the_documented_defaults_apply()
    {
        var result = Load("gateway { }");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(VirtualNetworkSettings.Default, result.Settings!.VirtualNetwork);
        Assert.Equal(30, VirtualNetworkSettings.Default.SimCapacity);
        Assert.Equal(TimeSpan.FromSeconds(30), VirtualNetworkSettings.Default.AckTimeout);
    }

    [Fact]
    public void Out_of_range_values_name_their_key()
    {
        var result = Load("gateway.virtual-network { sim-capacity = 0, ack-timeout = 0s, control-port = 70000 }");
        Assert.False(result.IsValid);
        var paths = result.Errors.Select(e => e.Path).ToList();
        Assert.Contains("gateway.virtual-network.sim-capacity", paths);
        Assert.Contains("gateway.virtual-network.ack-timeout", paths);
        Assert.Contains("gateway.virtual-network.control-port", paths);
    }
}

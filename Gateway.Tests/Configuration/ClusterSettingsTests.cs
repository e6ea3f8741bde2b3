using Akka.Configuration;
using Gateway.Configuration;
using Gateway.Host.Hosting;
using Xunit;

namespace Gateway.Tests.Configuration;

/// <summary><c>gateway.cluster</c>: membership keys, their defaults, their limits and the Akka settings they become.</summary>
public class ClusterSettingsTests
{
    private static SettingsResult Load(string hocon) => GatewaySettings.Load(ConfigurationFactory.ParseString(hocon));

    [Fact]
    public void Left_out_the_cluster_keys_take_Akkas_production_defaults_keep_majority_after_20s()
    {
        var result = Load("gateway {}");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var c = result.Settings!.Cluster;
        Assert.Equal(SplitBrainStrategy.KeepMajority, c.SplitBrain.Strategy);
        Assert.Equal(TimeSpan.FromSeconds(20), c.SplitBrain.StableAfter);
        Assert.True(c.SplitBrain.DownAllWhenUnstable);
        Assert.Equal(TimeSpan.FromSeconds(1), c.FailureDetector.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), c.FailureDetector.AcceptablePause);
        Assert.Equal(TimeSpan.FromSeconds(10), c.LeaveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), c.CompatibilityTimeout);
        Assert.False(c.AllowDrift);
    }

    [Fact]
    public void Every_cluster_key_is_read()
    {
        var result = Load("""
            gateway.cluster {
              leave-timeout = 5s
              compatibility-timeout = 2s
              allow-drift = on
              failure-detector { heartbeat-interval = 200ms, acceptable-heartbeat-pause = 1s }
              split-brain { strategy = static-quorum, stable-after = 1s, down-all-when-unstable = off, quorum-size = 3, down-if-alone = off }
            }
            """);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var c = result.Settings!.Cluster;
        Assert.Equal(new SplitBrainSettings(SplitBrainStrategy.StaticQuorum, TimeSpan.FromSeconds(1), false, 3, false), c.SplitBrain);
        Assert.Equal(new FailureDetectorSettings(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)), c.FailureDetector);
        Assert.Equal(TimeSpan.FromSeconds(5), c.LeaveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), c.CompatibilityTimeout);
        Assert.True(c.AllowDrift);
    }

    [Theory]
    [InlineData("gateway.cluster.split-brain.strategy = auto-down", "gateway.cluster.split-brain.strategy", "keep-majority | keep-oldest | static-quorum")]
    [InlineData("gateway.cluster.split-brain.stable-after = 0s", "gateway.cluster.split-brain.stable-after", "at least")]
    [InlineData("gateway.cluster.split-brain.quorum-size = 0", "gateway.cluster.split-brain.quorum-size", "between")]
    [InlineData("gateway.cluster.failure-detector { heartbeat-interval = 2s, acceptable-heartbeat-pause = 1s }",
        "gateway.cluster.failure-detector.acceptable-heartbeat-pause", "at least heartbeat-interval")]
    [InlineData("gateway.cluster.split-brain.keep-majority = on", "gateway.cluster.split-brain.keep-majority", "unknown key")]
    [InlineData("gateway.cluster.leave-timeout = soon", "gateway.cluster.leave-timeout", "duration")]
    public void A_bad_cluster_key_is_named_with_its_problem(string hocon, string path, string problem)
    {
        var result = Load(hocon);
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path == path && e.Problem.Contains(problem, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_keys_become_Akkas_split_brain_resolver_and_failure_detector_settings()
    {
        var settings = Load("""
            gateway.cluster {
              leave-timeout = 7s
              failure-detector { heartbeat-interval = 200ms, acceptable-heartbeat-pause = 1500ms }
              split-brain { strategy = keep-oldest, stable-after = 2s, down-if-alone = off }
            }
            """).Settings!;
        var akka = ConfigurationFactory.ParseString(ClusterHosting.Hocon(settings.Cluster));
        Assert.Equal("Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster", akka.GetString("akka.cluster.downing-provider-class"));
        Assert.Equal("keep-oldest", akka.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(2), akka.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.False(akka.GetBoolean("akka.cluster.split-brain-resolver.keep-oldest.down-if-alone"));
        Assert.Equal(TimeSpan.FromMilliseconds(200), akka.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), akka.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal(TimeSpan.FromMilliseconds(200), akka.GetTimeSpan("akka.cluster.gossip-interval"));
        Assert.Equal(TimeSpan.FromSeconds(7), akka.GetTimeSpan("akka.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout"));
    }
}

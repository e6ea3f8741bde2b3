using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Gateway.Clustering;
using Gateway.Configuration;

namespace Gateway.Host.Hosting;

/// <summary>
/// Wiring for membership: the failure detector and split-brain resolver from
/// <c>gateway.cluster</c>, how long a leaving node waits for its shards to be handed over, and the
/// join-time compatibility check (<see cref="NodeCompatibilityActor"/>).
/// </summary>
public static class ClusterHosting
{
    public static AkkaConfigurationBuilder WithMembership(this AkkaConfigurationBuilder akka, GatewaySettings settings)
    {
        akka.AddHocon(ConfigurationFactory.ParseString(Hocon(settings.Cluster)), HoconAddMode.Prepend);
        akka.AddHocon(ConfigurationFactory.ParseString(NodeCompatibilitySerializer.Hocon), HoconAddMode.Prepend);
        var fingerprint = NodeFingerprint.Of(settings);
        return akka.WithActors((system, _) =>
        {
            system.ActorOf(Props.Create(() => new MembershipLog()), MembershipLog.Name);
            system.ActorOf(NodeCompatibilityActor.Props(fingerprint, settings.Cluster.CompatibilityTimeout, settings.Cluster.AllowDrift), NodeCompatibilityActor.Name);
        });
    }

    /// <summary>The Akka settings <paramref name="cluster"/> stands for (Akka's own key names; see hocon/gateway.conf for ours).</summary>
    public static string Hocon(ClusterSettings cluster)
    {
        static string Ms(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
        var sbr = cluster.SplitBrain;
        var strategy = sbr.Strategy switch
        {
            SplitBrainStrategy.KeepOldest => "keep-oldest",
            SplitBrainStrategy.StaticQuorum => "static-quorum",
            _ => "keep-majority",
        };
        var fd = cluster.FailureDetector;
        // Gossip and the leader's tick follow the heartbeat, so a shortened failure detector also
        // shortens how long a change takes to spread (Akka's defaults: 1s each).
        var gossip = TimeSpan.FromTicks(Math.Min(fd.HeartbeatInterval.Ticks, TimeSpan.FromSeconds(1).Ticks));
        return $$"""
            akka.cluster {
              downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
              split-brain-resolver {
                active-strategy = {{strategy}}
                stable-after = {{Ms(sbr.StableAfter)}}
                down-all-when-unstable = {{(sbr.DownAllWhenUnstable ? "on" : "off")}}
                static-quorum.quorum-size = {{sbr.QuorumSize}}
                keep-oldest.down-if-alone = {{(sbr.DownIfAlone ? "on" : "off")}}
              }
              failure-detector {
                heartbeat-interval = {{Ms(fd.HeartbeatInterval)}}
                acceptable-heartbeat-pause = {{Ms(fd.AcceptablePause)}}
              }
              gossip-interval = {{Ms(gossip)}}
              leader-actions-interval = {{Ms(gossip)}}
              unreachable-nodes-reaper-interval = {{Ms(gossip)}}
              retry-unsuccessful-join-after = {{Ms(TimeSpan.FromTicks(Math.Min(fd.AcceptablePause.Ticks, TimeSpan.FromSeconds(10).Ticks)))}}
            }
            # Shards move only when their node leaves or is downed, never to even out the count when a
            # node joins: a mailbox that moves re-offers its pending jobs to its new node's router while
            # the old node's router may still hold them, and that sends SMS twice. Mailboxes are light;
            # any node's SMTP and POP3 serve any user wherever the mailbox lives.
            akka.cluster.sharding.least-shard-allocation-strategy {
              rebalance-absolute-limit = 0
              rebalance-threshold = 1000000
            }
            akka.coordinated-shutdown.phases {
              cluster-sharding-shutdown-region.timeout = {{Ms(cluster.LeaveTimeout)}}
              cluster-exiting.timeout = {{Ms(cluster.LeaveTimeout)}}
            }
            """;
    }

    /// <summary>Why the node stopped, in words for the log line beside the exit code.</summary>
    public static string Describe(CoordinatedShutdown.Reason? reason) => reason switch
    {
        CoordinatedShutdown.ClusterDowningReason => "downed by the cluster (the split-brain resolver found it unreachable, or an operator downed it); start it again and it rejoins",
        IncompatibleWithClusterReason r => r.ToString(),
        CoordinatedShutdown.ClusterJoinUnsuccessfulReason => "could not join any seed node",
        null => "stopped",
        _ => reason.GetType().Name,
    };

    /// <summary>What the process's exit code says about why the node stopped (see <see cref="Cli.ExitCodes"/>).</summary>
    public static int ExitCodeFor(CoordinatedShutdown.Reason? reason) => reason switch
    {
        CoordinatedShutdown.ClusterDowningReason => Cli.ExitCodes.Downed,
        IncompatibleWithClusterReason => Cli.ExitCodes.Incompatible,
        CoordinatedShutdown.ClusterJoinUnsuccessfulReason => Cli.ExitCodes.JoinFailed,
        _ => Cli.ExitCodes.Ok,
    };
}

using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace Gateway.Clustering;

/// <summary>
/// Logs each membership change this node sees in one line an operator (or a test) can read:
/// who came up, became unreachable, reachable again, or was removed, and how many members are up.
/// Akka logs more, spread over many lines; this is the summary.
/// </summary>
public sealed class MembershipLog : ReceiveActor
{
    public const string Name = "membership-log";

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);

    /// <summary>Counted from the events themselves: the cluster's state snapshot can lag behind the event being handled.</summary>
    private ImmutableHashSet<Address> _up = [];

    public MembershipLog()
    {
        var log = Context.GetLogger();
        Receive<ClusterEvent.MemberUp>(e =>
        {
            _up = _up.Add(e.Member.Address);
            log.Info("cluster member up: {0}; members up: {1}", e.Member.Address, _up.Count);
        });
        Receive<ClusterEvent.UnreachableMember>(e => log.Warning("cluster member unreachable: {0}", e.Member.Address));
        Receive<ClusterEvent.ReachableMember>(e => log.Info("cluster member reachable again: {0}", e.Member.Address));
        Receive<ClusterEvent.MemberRemoved>(e =>
        {
            _up = _up.Remove(e.Member.Address);
            log.Info("cluster member removed: {0} (was {1}); members up: {2}", e.Member.Address, e.PreviousStatus, _up.Count);
        });
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            if (e.Member.Status is MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down) _up = _up.Remove(e.Member.Address);
        });
    }

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);
}

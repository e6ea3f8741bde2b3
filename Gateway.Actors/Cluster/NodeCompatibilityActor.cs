using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;

namespace Gateway.Clustering;

/// <summary>
/// The join-time check that keeps a misconfigured node out of the gateway. Akka.NET has no
/// join-time configuration check of its own, so each node runs this actor: once the node is Up it
/// sends its <see cref="NodeFingerprint"/> to the same actor on every older member; each answers
/// with the problems it sees (<see cref="NodeFingerprint.Problems"/>). One refusal and the node
/// logs every problem and leaves through coordinated shutdown with
/// <see cref="IncompatibleWithClusterReason"/> (the host exits non-zero); the older members carry on.
/// <code>
/// WaitingForUp ──MemberUp(self)──► Checking ──all confirmed──► Settled
///      │ (no older member) ──────────────────────────►  ▲
///                           Checking ──all answered, a refusal──► Refused (leaving)
/// </code>
/// Every state answers other nodes' <see cref="CheckCompatibility"/>.
/// </summary>
public sealed class NodeCompatibilityActor : ReceiveActor, IWithTimers
{
    /// <summary>The actor's name under /user on every node (other nodes address it by path).</summary>
    public const string Name = "node-compatibility";

    private const string AskAgainTimer = "ask-again";

    private readonly NodeFingerprint _mine;
    private readonly TimeSpan _timeout;
    private readonly bool _allowDrift;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ImmutableHashSet<Address> _pending = [];
    private ImmutableList<(string Node, string Problem)> _refusals = [];

    /// <summary>Up members as the events told it; the cluster's state snapshot can lag behind this node's own Up.</summary>
    private ImmutableDictionary<Address, Akka.Cluster.Member> _up = ImmutableDictionary<Address, Akka.Cluster.Member>.Empty;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="allowDrift">Stay, with warnings, when the only differences are in <see cref="NodeFingerprint.DriftKeys"/>.</param>
    public NodeCompatibilityActor(NodeFingerprint mine, TimeSpan timeout, bool allowDrift = false)
    {
        _mine = mine;
        _timeout = timeout;
        _allowDrift = allowDrift;
        WaitingForUp();
    }

    public static Props Props(NodeFingerprint mine, TimeSpan timeout, bool allowDrift = false) =>
        Akka.Actor.Props.Create(() => new NodeCompatibilityActor(mine, timeout, allowDrift));

    protected override void PreStart() =>
        _cluster.Subscribe(Self, Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(Akka.Cluster.ClusterEvent.MemberUp), typeof(Akka.Cluster.ClusterEvent.MemberRemoved));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void WaitingForUp()
    {
        AnswerChecks();
        TrackMembers();
        Receive<Akka.Cluster.ClusterEvent.MemberUp>(e =>
        {
            _up = _up.SetItem(e.Member.Address, e.Member);
            if (e.Member.Address == _cluster.SelfAddress) AskOlderMembers(e.Member);
        });
    }

    /// <summary>Every state but the first keeps the member list current.</summary>
    private void TrackMembers()
    {
        Receive<Akka.Cluster.ClusterEvent.MemberRemoved>(e => _up = _up.Remove(e.Member.Address));
    }

    private void Checking()
    {
        AnswerChecks();
        TrackMembers();
        Receive<Akka.Cluster.ClusterEvent.MemberUp>(e => _up = _up.SetItem(e.Member.Address, e.Member));
        Receive<CompatibilityConfirmed>(c =>
        {
            _log.Debug("node {0} confirms this node's configuration", c.NodeName);
            Answered(Sender.Path.Address);
        });
        Receive<CompatibilityRefused>(r =>
        {
            if (_allowDrift && r.Problems.All(NodeFingerprint.IsDrift))
            {
                foreach (var problem in r.Problems)
                    _log.Warning("staying although (cluster.allow-drift = on): {0}", problem);
            }
            else
            {
                // Each member sees its own problems (a module number only one of them has): hear them all, then leave.
                _refusals = _refusals.AddRange(r.Problems.Select(p => (r.NodeName, p)));
            }
            Answered(Sender.Path.Address);
        });
        Receive<AskAgain>(_ =>
        {
            _pending = _pending.Where(_up.ContainsKey).ToImmutableHashSet();
            if (_pending.IsEmpty || !_refusals.IsEmpty)
            {
                Conclude();
                return;
            }
            _log.Warning("no answer yet about this node's configuration from {0}; asking again", string.Join(", ", _pending));
            foreach (var address in _pending) Ask(address);
        });
    }

    private void Answered(Address member)
    {
        _pending = _pending.Remove(member);
        if (_pending.IsEmpty) Conclude();
    }

    /// <summary>Every older member answered (or the wait is over with a refusal in hand): stay, or log every problem and leave.</summary>
    private void Conclude()
    {
        Timers.Cancel(AskAgainTimer);
        if (_refusals.IsEmpty)
        {
            _log.Info("configuration matches the cluster's (checked against every older member)");
            Become(Settled);
            return;
        }
        foreach (var (node, problem) in _refusals)
            _log.Error("refused by node {0}: {1}", node, problem);
        _log.Error("leaving the cluster: this node's configuration does not fit the cluster's (fix the key(s) named above)");
        Become(Refused);
        CoordinatedShutdown.Get(Context.System).Run(IncompatibleWithClusterReason.Instance);
    }

    private void Settled()
    {
        AnswerChecks();
        ReceiveAny(_ => { });
    }

    private void Refused()
    {
        AnswerChecks();
        ReceiveAny(_ => { });
    }

    private void AskOlderMembers(Akka.Cluster.Member me)
    {
        _pending = _up.Values
            .Where(m => m.Address != me.Address && m.IsOlderThan(me))
            .Select(m => m.Address)
            .ToImmutableHashSet();
        if (_pending.IsEmpty)
        {
            _log.Info("this node is the cluster's oldest member: no configuration to compare with");
            Become(Settled);
            return;
        }
        foreach (var address in _pending) Ask(address);
        Timers.StartPeriodicTimer(AskAgainTimer, AskAgain.Instance, _timeout);
        Become(Checking);
    }

    private void Ask(Address address) =>
        Context.ActorSelection(new RootActorPath(address) / "user" / Name).Tell(new CheckCompatibility(_mine));

    private void AnswerChecks() =>
        Receive<CheckCompatibility>(c =>
        {
            var problems = NodeFingerprint.Problems(c.Joining, _mine);
            if (problems.IsEmpty)
            {
                Sender.Tell(new CompatibilityConfirmed(_mine.NodeName));
                return;
            }
            _log.Warning("node {0} at {1} does not fit this node's configuration: {2}", c.Joining.NodeName, Sender.Path.Address, string.Join("; ", problems));
            Sender.Tell(new CompatibilityRefused(_mine.NodeName, problems));
        });

    private sealed class AskAgain
    {
        public static readonly AskAgain Instance = new();
    }
}

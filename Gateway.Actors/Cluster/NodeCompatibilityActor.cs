using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;

namespace Gateway.Cluster;

/// <summary>
/// The join-time check that keeps a misconfigured node out of the gateway. Akka.NET has no
/// join-time configuration check of its own, so each node runs this actor: once the node is Up it
/// sends its <see cref="NodeFingerprint"/> to the same actor on every older member; each answers
/// with the problems it sees (<see cref="NodeFingerprint.Problems"/>). One refusal and the node
/// logs every problem and leaves through coordinated shutdown with
/// <see cref="IncompatibleWithClusterReason"/> (the host exits non-zero); the older members carry on.
/// <code>
/// WaitingForUp ──self Up──► Checking ──all confirmed──► Settled
///      │ (no older member) ──────────────────────────►  ▲
///                           Checking ──a refusal──► Refused (leaving)
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
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ImmutableHashSet<Address> _pending = [];

    public ITimerScheduler Timers { get; set; } = null!;

    public NodeCompatibilityActor(NodeFingerprint mine, TimeSpan timeout)
    {
        _mine = mine;
        _timeout = timeout;
        WaitingForUp();
    }

    public static Props Props(NodeFingerprint mine, TimeSpan timeout) => Akka.Actor.Props.Create(() => new NodeCompatibilityActor(mine, timeout));

    protected override void PreStart()
    {
        var self = Self;
        _cluster.RegisterOnMemberUp(() => self.Tell(SelfUp.Instance));
    }

    private void WaitingForUp()
    {
        AnswerChecks();
        Receive<SelfUp>(_ => AskOlderMembers());
    }

    private void Checking()
    {
        AnswerChecks();
        Receive<CompatibilityConfirmed>(c =>
        {
            _pending = _pending.Remove(Sender.Path.Address);
            _log.Debug("node {0} confirms this node's configuration", c.NodeName);
            if (_pending.IsEmpty) Settle();
        });
        Receive<CompatibilityRefused>(r =>
        {
            foreach (var problem in r.Problems)
                _log.Error("refused by node {0}: {1}", r.NodeName, problem);
            _log.Error("leaving the cluster: this node's configuration does not fit node {0}'s (fix the key(s) named above)", r.NodeName);
            Timers.CancelAll();
            Become(Refused);
            CoordinatedShutdown.Get(Context.System).Run(IncompatibleWithClusterReason.Instance);
        });
        Receive<AskAgain>(_ =>
        {
            var members = _cluster.State.Members.Select(m => m.Address).ToHashSet();
            _pending = _pending.Where(members.Contains).ToImmutableHashSet();
            if (_pending.IsEmpty)
            {
                Settle();
                return;
            }
            _log.Warning("no answer yet about this node's configuration from {0}; asking again", string.Join(", ", _pending));
            foreach (var address in _pending) Ask(address);
        });
    }

    private void Settled() => AnswerChecks();

    private void Refused() => AnswerChecks();

    private void AskOlderMembers()
    {
        var me = _cluster.SelfMember;
        _pending = _cluster.State.Members
            .Where(m => m.Status == Akka.Cluster.MemberStatus.Up && m.Address != me.Address && m.IsOlderThan(me))
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

    private void Settle()
    {
        Timers.Cancel(AskAgainTimer);
        _log.Info("configuration matches the cluster's (checked against every older member)");
        Become(Settled);
    }

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

    private sealed class SelfUp
    {
        public static readonly SelfUp Instance = new();
    }

    private sealed class AskAgain
    {
        public static readonly AskAgain Instance = new();
    }
}

using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Gateway.Configuration;
using Gateway.Modem;

namespace Gateway.Clustering;

/// <summary>
/// The node's part of the cluster-wide module registry. It follows the node's modem bank and
/// writes each module's status into a replicated map (Distributed Data <c>LWWDictionary</c> keyed by
/// module name; written locally and spread by delta gossip, so a write never waits for other
/// nodes), follows the map and the cluster's membership, and tells its subscribers (the node's
/// SMS router) about the other nodes' modules: a status when one appears or changes, a withdrawal
/// the moment its node leaves, is downed or becomes unreachable (without waiting for the map to
/// lose the entry). A <see cref="SendSms"/> for another node's module is forwarded to that node's
/// bank (the reply goes straight back to the sender); for a module not in routing the sender gets
/// a retryable <see cref="SmsSendFailed"/> at once. Why Distributed Data and not publish/subscribe:
/// a node that joins or restarts gets the whole current picture from the map without asking
/// anyone, and the map converges whatever order updates arrive in.
/// </summary>
public sealed class ModuleRegistry : ReceiveActor, IWithTimers
{
    private sealed class Republish
    {
        public static Republish Instance { get; } = new();

        private Republish() { }
    }

    private sealed class Flush
    {
        public static Flush Instance { get; } = new();

        private Flush() { }
    }

    /// <summary>The replicated map's key, the same on every node.</summary>
    public static readonly LWWDictionaryKey<string, ModuleEntry> Key = new("gateway-modules");

    private readonly string _nodeName;
    private readonly ImmutableDictionary<string, string> _localGroups;
    private readonly IActorRef _bank;
    private readonly IActorRef? _router;
    private readonly ModuleRegistrySettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly Dictionary<string, ModuleEntry> _written = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ModuleEntry> _unwritten = new(StringComparer.Ordinal);
    private ModuleDirectory _directory;
    private ImmutableSortedDictionary<string, ModuleEntry> _visible = ImmutableSortedDictionary<string, ModuleEntry>.Empty;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="localModules">The modules this node drives (their group goes with their status).</param>
    /// <param name="bank">This node's modem bank.</param>
    /// <param name="router">This node's SMS router (it keeps the sent-parts indexes of the bank's modules); null if the node has none.</param>
    public ModuleRegistry(string nodeName, IEnumerable<ModuleSettings> localModules, IActorRef bank, ModuleRegistrySettings settings, IActorRef? router = null)
    {
        _router = router;
        _nodeName = nodeName;
        _localGroups = localModules.ToImmutableDictionary(m => m.Name, m => m.Group, StringComparer.Ordinal);
        _bank = bank;
        _settings = settings;
        _directory = ModuleDirectory.Empty(_cluster.SelfAddress.ToString());

        Receive<ModuleStatus>(Publish);
        Receive<Changed>(c => c.Key.Equals(Key), c => Update(_directory.WithEntries(c.Get(Key).Entries.Values)));
        Receive<ClusterEvent.UnreachableMember>(m => Update(_directory.NodeOut(m.Member.Address.ToString(), $"node {m.Member.Address} is unreachable")));
        Receive<ClusterEvent.ReachableMember>(m => Update(_directory.NodeBack(m.Member.Address.ToString())));
        Receive<ClusterEvent.MemberLeft>(m => Update(_directory.NodeOut(m.Member.Address.ToString(), $"node {m.Member.Address} is leaving the cluster")));
        Receive<ClusterEvent.MemberExited>(m => Update(_directory.NodeOut(m.Member.Address.ToString(), $"node {m.Member.Address} left the cluster")));
        Receive<ClusterEvent.MemberDowned>(m => Update(_directory.NodeOut(m.Member.Address.ToString(), $"node {m.Member.Address} was downed")));
        Receive<ClusterEvent.MemberRemoved>(OnRemoved);
        Receive<ClusterEvent.MemberUp>(m => Update(_directory.NodeBack(m.Member.Address.ToString())));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<IUpdateResponse>(r =>
        {
            if (!r.IsSuccessful) _log.Warning("module registry: a write to the replicated map failed: {0}", r);
        });
        Receive<SendSms>(OnSend);
        Receive<SubscribeClusterModules>(s =>
        {
            if (_subscribers.Add(s.Subscriber)) Context.Watch(s.Subscriber);
            foreach (var e in _visible.Values) s.Subscriber.Tell(new RemoteModuleStatus(e.Group, e.Node, e.Status, e.Router));
        });
        Receive<Terminated>(t => _subscribers.Remove(t.ActorRef));
        Receive<GetClusterModules>(_ => Sender.Tell(new ClusterModules(_visible.SetItems(_written))));
        Receive<Republish>(_ =>
        {
            foreach (var entry in _written.Values) Write(entry);
        });
        Receive<Flush>(_ =>
        {
            foreach (var entry in _unwritten.Values) Write(entry);
            _unwritten.Clear();
        });
    }

    public static Props Props(string nodeName, IEnumerable<ModuleSettings> localModules, IActorRef bank, ModuleRegistrySettings settings, IActorRef? router = null) =>
        Akka.Actor.Props.Create(() => new ModuleRegistry(nodeName, localModules, bank, settings, router));

    protected override void PreStart()
    {
        _replicator.Tell(Dsl.Subscribe(Key, Self));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        _bank.Tell(new SubscribeModuleStatus(Self));
        // Entries are rewritten now and then, so a node whose entries were removed while it was
        // thought gone (a false unreachable, a restart at the same address) is seen again.
        Timers.StartPeriodicTimer("republish", Republish.Instance, _settings.RepublishInterval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    /// <summary>
    /// One of this node's modules changed: write it to the map (locally; gossip spreads it). A busy
    /// module changes with every job queued and sent, so changes are gathered and written every
    /// <c>notify-interval</c> (the latest of each module): other nodes see them no later, and the
    /// single-node path does not pay a replicated write per SMS.
    /// </summary>
    private void Publish(ModuleStatus status)
    {
        if (!_localGroups.TryGetValue(status.Module, out var group)) return;
        var entry = new ModuleEntry(status.Module, group, _nodeName, _directory.SelfAddress, _bank, status, _router);
        _written[status.Module] = entry;
        _unwritten[status.Module] = entry;
        if (!Timers.IsTimerActive("flush")) Timers.StartSingleTimer("flush", Flush.Instance, _settings.NotifyInterval);
    }

    private void Write(ModuleEntry entry) =>
        _replicator.Tell(Dsl.Update(Key, LWWDictionary<string, ModuleEntry>.Empty, WriteLocal.Instance,
            map => map.SetItem(_cluster, entry.Module, entry)));

    /// <summary>A removed node's entries leave the map too (any node may do it; removing twice is harmless).</summary>
    private void OnRemoved(ClusterEvent.MemberRemoved removed)
    {
        var address = removed.Member.Address.ToString();
        Update(_directory.NodeOut(address, $"node {removed.Member.Address} was removed from the cluster"));
        var gone = _directory.Entries.Values.Where(e => e.NodeAddress == address).Select(e => e.Module).ToArray();
        if (gone.Length > 0)
            _replicator.Tell(Dsl.Update(Key, LWWDictionary<string, ModuleEntry>.Empty, WriteLocal.Instance, map =>
            {
                foreach (var module in gone)
                    if (map.TryGetValue(module, out var e) && e.NodeAddress == address) map = map.Remove(_cluster, module);
                return map;
            }));
    }

    private void Update(ModuleDirectory next)
    {
        var changes = next.ChangesSince(_directory);
        _directory = next;
        _visible = next.Visible;
        foreach (var change in changes)
        {
            if (change is ModuleWithdrawn w) _log.Info("module registry: {0} of {1} is out of routing: {2}", w.Module, w.Node, w.Reason);
            foreach (var s in _subscribers) s.Tell(change);
        }
    }

    private void OnSend(SendSms send)
    {
        if (_visible.TryGetValue(send.Module, out var entry)) entry.Bank.Forward(send);
        else if (_localGroups.ContainsKey(send.Module)) _bank.Forward(send);
        else
            Sender.Tell(new SmsSendFailed(send.Module, send.JobId, [], $"module {send.Module} is not in the cluster now (its node left or is unreachable)", Retryable: true));
    }
}

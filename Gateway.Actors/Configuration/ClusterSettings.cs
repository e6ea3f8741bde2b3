namespace Gateway.Configuration;

/// <summary>
/// <c>gateway.cluster</c>: this node's address, the seeds it joins, how fast a silent node is
/// suspected (the failure detector) and how a partition is settled (the split-brain resolver).
/// </summary>
/// <param name="SeedNodes">host:port of each seed; empty = a cluster of one (this node is its own seed).</param>
public sealed record ClusterSettings(string Hostname, int Port, IReadOnlyList<string> SeedNodes)
{
    /// <summary><c>cluster.failure-detector</c>; defaults are Akka's (1s heartbeat, 3s acceptable pause).</summary>
    public FailureDetectorSettings FailureDetector { get; init; } = FailureDetectorSettings.Default;

    /// <summary><c>cluster.split-brain</c>; default keep-majority, stable after 20s.</summary>
    public SplitBrainSettings SplitBrain { get; init; } = SplitBrainSettings.Default;

    /// <summary>
    /// <c>cluster.leave-timeout</c>: how long a node leaving on SIGTERM waits for the cluster to
    /// take its shards before it stops anyway (each of the two phases, shard hand-over and exiting). Default 10s, as Akka's.
    /// </summary>
    public TimeSpan LeaveTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>cluster.compatibility-timeout</c>: how long a node that has joined waits for an older
    /// member to confirm their configurations fit (see <c>Gateway.Clustering.NodeFingerprint</c>)
    /// before it leaves with a message. Default 10s.
    /// </summary>
    public TimeSpan CompatibilityTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>cluster.allow-drift</c>: on while a change of users, sms-groups, routing or
    /// autoclip.expires-after is rolled through the nodes one at a time; a joining node whose copy
    /// of those differs then stays, with a warning per key, instead of leaving. Mail domain,
    /// storage, node name and modules are always enforced. Default off.
    /// </summary>
    public bool AllowDrift { get; init; }

    internal static ClusterSettings Read(ConfigReader r)
    {
        var hostname = r.String("hostname", "127.0.0.1");
        var port = r.Port("port", 4053, allowZero: true);
        var seeds = r.Strings("seed-nodes");
        foreach (var seed in seeds)
            if (!TrySplitHostPort(seed, out _, out _))
                r.Error("seed-nodes", $"\"{seed}\" is not host:port");
        return new ClusterSettings(hostname, port, seeds)
        {
            FailureDetector = FailureDetectorSettings.Read(r.Child("failure-detector")),
            SplitBrain = SplitBrainSettings.Read(r.Child("split-brain")),
            LeaveTimeout = r.Duration("leave-timeout", TimeSpan.FromSeconds(10), min: TimeSpan.FromSeconds(1)),
            CompatibilityTimeout = r.Duration("compatibility-timeout", TimeSpan.FromSeconds(10), min: TimeSpan.FromMilliseconds(100)),
            AllowDrift = r.Bool("allow-drift", false),
        };
    }

    public static bool TrySplitHostPort(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0) return false;
        host = text[..colon];
        return int.TryParse(text[(colon + 1)..], out port) && port is > 0 and < 65536;
    }
}

/// <summary>
/// <c>gateway.cluster.failure-detector</c>: a node that sends no heartbeat for about
/// <paramref name="AcceptablePause"/> is marked unreachable; the split-brain resolver then decides.
/// </summary>
/// <param name="HeartbeatInterval">Between heartbeats to each watched node. Default 1s.</param>
/// <param name="AcceptablePause">Silence tolerated before a node is suspected (garbage collection, a busy host). Default 3s.</param>
public sealed record FailureDetectorSettings(TimeSpan HeartbeatInterval, TimeSpan AcceptablePause)
{
    public static readonly FailureDetectorSettings Default = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));

    internal static FailureDetectorSettings Read(ConfigReader r)
    {
        var heartbeat = r.Duration("heartbeat-interval", Default.HeartbeatInterval, min: TimeSpan.FromMilliseconds(10));
        var pause = r.Duration("acceptable-heartbeat-pause", Default.AcceptablePause, min: TimeSpan.FromMilliseconds(10));
        if (pause < heartbeat) r.Error("acceptable-heartbeat-pause", $"must be at least heartbeat-interval ({ConfigValues.FormatDuration(heartbeat)})");
        return new FailureDetectorSettings(heartbeat, pause);
    }
}

/// <summary>Which side of a partition stays up; see <see cref="SplitBrainSettings"/>.</summary>
public enum SplitBrainStrategy
{
    /// <summary>The side with more than half of the members stays; with equal halves, the side with the lowest address.</summary>
    KeepMajority,

    /// <summary>The side with the oldest member stays (with <c>down-if-alone</c>, unless the oldest is alone).</summary>
    KeepOldest,

    /// <summary>A side with at least <c>quorum-size</c> members stays; a smaller one downs itself.</summary>
    StaticQuorum,
}

/// <summary>
/// <c>gateway.cluster.split-brain</c>: Akka's split-brain resolver, which downs the unreachable side
/// of a partition (a crashed node looks like a partition of one). A downed node's process exits
/// (code 3) so its supervisor restarts it and it joins again.
/// keep-majority (the default) is right for three or more nodes: one crashed or cut-off node is
/// downed by the others. Two nodes cannot survive a crash of either under any strategy: one of
/// two is not a majority, so in a 1-vs-1 split the lower address wins, and killing that node makes
/// the survivor down itself. Run three nodes (the third may drive no modems) to survive one crash.
/// </summary>
/// <param name="StableAfter">How long membership must stay unchanged before the resolver acts. Default 20s; shorten with care (a pause longer than this downs a healthy node).</param>
/// <param name="DownAllWhenUnstable">Down every node if membership keeps changing for longer than stable-after (flapping network). Default on.</param>
/// <param name="QuorumSize">static-quorum only: members a side needs to stay. Default 2.</param>
/// <param name="DownIfAlone">keep-oldest only: an oldest member cut off alone is downed instead of the rest. Default on.</param>
public sealed record SplitBrainSettings(SplitBrainStrategy Strategy, TimeSpan StableAfter, bool DownAllWhenUnstable, int QuorumSize, bool DownIfAlone)
{
    public static readonly SplitBrainSettings Default = new(SplitBrainStrategy.KeepMajority, TimeSpan.FromSeconds(20), true, 2, true);

    internal static SplitBrainSettings Read(ConfigReader r) => new(
        r.Enum("strategy", Default.Strategy),
        r.Duration("stable-after", Default.StableAfter, min: TimeSpan.FromMilliseconds(100)),
        r.Bool("down-all-when-unstable", Default.DownAllWhenUnstable),
        r.Int("quorum-size", Default.QuorumSize, min: 1, max: 1000),
        r.Bool("down-if-alone", Default.DownIfAlone));
}

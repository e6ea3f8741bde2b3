using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Gateway.Accounts;
using Gateway.Tests.Modem.Virtual;
using Gateway.Tests.Support;
using Xunit.Abstractions;

namespace Gateway.Tests.Clustering.Support;

/// <summary>
/// A gateway cluster made of real processes on loopback: one <c>modemsim</c> process is the whole
/// virtual GSM network (every node's modules reach their modems in it over TCP, so every SMS can be
/// counted on its one control line), and one <c>Gateway.Host run</c> process per node, all on one
/// PostgreSQL database, with failure detection and the split-brain resolver shortened so a killed
/// node is downed in a few seconds.
/// </summary>
public sealed class GatewayCluster : IAsyncDisposable
{
    public const string Domain = "sms.example.net";
    public const string Password = "cluster-pw";

    private static readonly string PasswordHash = PasswordHasher.Hash(Password, PasswordHasher.MinIterations);

    private readonly List<ClusterNode> _nodes = [];

    private GatewayCluster(ModemSim sim, string connectionString, string directory, int modemsPerNode, IReadOnlyList<string> users, ITestOutputHelper output, bool racks)
    {
        Racks = racks;
        Sim = sim;
        ConnectionString = connectionString;
        Directory = directory;
        ModemsPerNode = modemsPerNode;
        Users = users;
        Output = output;
    }

    public ModemSim Sim { get; }

    public string ConnectionString { get; }

    public string Directory { get; }

    public int ModemsPerNode { get; }

    /// <summary>The users every node knows (u1, u2, …), all with <see cref="Password"/>.</summary>
    public IReadOnlyList<string> Users { get; }

    public ITestOutputHelper Output { get; }

    /// <summary>
    /// false: every module is in one group, operator-a, and "+420*" goes to it. true: each node's
    /// modules are a group of their own (rack-a, rack-b, …) and rules pick a rack: "+421*" → the
    /// last node's rack, "+420777*" → the second node's, anything else under "+420*" → any rack; an
    /// incoming SMS goes by AutoCLIP, else to the last user (operator-a: to u1).
    /// </summary>
    public bool Racks { get; }

    /// <summary>The SMS group of a node's modules.</summary>
    public string GroupOf(string nodeName) => Racks ? $"rack-{nodeName[^1]}" : "operator-a";

    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>
    /// Starts the virtual network with room for <paramref name="nodes"/> × <paramref name="modemsPerNode"/>
    /// modems and prepares (does not start) the nodes: node-a, node-b, …; every node lists every
    /// node as a seed, so a restarted node finds whichever is alive.
    /// </summary>
    public static async Task<GatewayCluster> CreateAsync(PostgresServer postgres, ITestOutputHelper output, int nodes = 3, int modemsPerNode = 2,
        int users = 6, string latency = "200ms", bool racks = false)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var sim = await ModemSim.StartAsync("--modems", (nodes * modemsPerNode).ToString(), "--port", "0", "--control-port", "0", "--latency", latency);
        var dir = System.IO.Directory.CreateTempSubdirectory("gw-cluster-").FullName;
        var cluster = new GatewayCluster(sim, connectionString, dir, modemsPerNode, Enumerable.Range(1, users).Select(i => $"u{i}").ToArray(), output, racks);
        var ports = Enumerable.Range(0, nodes).Select(_ => TestEnvironment.FreePort()).ToArray();
        for (var i = 0; i < nodes; i++)
            cluster._nodes.Add(new ClusterNode(cluster, $"node-{(char)('a' + i)}", ports[i], ports, sim.Modems.Skip(i * modemsPerNode).Take(modemsPerNode).ToArray()));
        return cluster;
    }

    public ClusterNode this[string name] => _nodes.Single(n => n.Name == name);

    /// <summary>Starts the nodes one after the other (the first forms the cluster) and waits until each is Up and checked.</summary>
    public async Task StartAllAsync()
    {
        foreach (var node in _nodes) await node.StartAsync();
        await _nodes[0].WaitForLogAsync($"members up: {_nodes.Count}", from: 0);
    }

    /// <summary>The shared part of every node's file: users, groups, rules, storage and the shortened cluster timings.</summary>
    internal string SharedHocon(IEnumerable<int> seedPorts)
    {
        var racks = _nodes.Count > 0 ? _nodes.Select(n => GroupOf(n.Name)).ToArray() : [];
        var groups = Racks ? string.Join(", ", racks) : "operator-a";
        var outgoing = Racks
            ? $$"""
              { destinations = ["+421*"], groups = [{{racks[^1]}}] }
              { destinations = ["+420777*"], groups = [{{racks[Math.Min(1, racks.Length - 1)]}}] }
              { destinations = ["+420*"], groups = [{{groups}}] }
              """
            : """{ destinations = ["+420*"], groups = [operator-a] }""";
        var incoming = Racks
            ? $$"""
              { group = "*", action = autoclip }
              { group = "*", action = deliver, user = {{Users[^1]}} }
              """
            : """
              { group = operator-a, action = autoclip }
              { group = operator-a, action = deliver, user = u1 }
              """;
        return $$"""
        gateway {
          log.level = info
          storage { provider = postgresql, connection-string = "{{ConnectionString}}" }
          cluster {
            hostname = "127.0.0.1"
            seed-nodes = [{{string.Join(", ", seedPorts.Select(p => $"\"127.0.0.1:{p}\""))}}]
            leave-timeout = 10s
            compatibility-timeout = 2s
            failure-detector { heartbeat-interval = 250ms, acceptable-heartbeat-pause = 2s }
            split-brain { strategy = keep-majority, stable-after = 2s }
          }
          mail {
            domain = "{{Domain}}"
            smtp.listen = [ { host = "127.0.0.1", port = 0, tls = none } ]
            pop3.listen = [ { host = "127.0.0.1", port = 0, tls = none } ]
            mailbox.job-reoffer-after = 2s
          }
          users {
        {{string.Join("\n", Users.Select(u => $"    {u} {{ password-hash = \"{PasswordHash}\", sms-groups = [{groups}] }}"))}}
          }
          sms-groups { {{string.Join("\n", groups.Split(", ").Select(g => $"{g} {{ selection = least-busy }}"))}} }
          routing {
            outgoing = [
        {{outgoing}}
            ]
            incoming = [
        {{incoming}}
            ]
          }
          modem { health-interval = 1h, reopen-backoff-min = 200ms, reopen-backoff-max = 1s }
        }
        """;
    }

    /// <summary>The texts a phone has received, from the virtual network's control line.</summary>
    public async Task<List<string>> PhoneInboxAsync(string phone)
    {
        await using var control = await ControlClient.ConnectAsync(Sim.Control!);
        var (reply, data) = await control.CommandAsync($"INBOX {phone}");
        if (!reply.StartsWith("OK", StringComparison.Ordinal)) throw new InvalidOperationException($"INBOX {phone}: {reply}");
        return data.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!).ToList();
    }

    /// <summary>What a phone received: the sending SIM and the text of each SMS.</summary>
    public async Task<List<(string From, string Text)>> PhoneInboxDetailedAsync(string phone)
    {
        await using var control = await ControlClient.ConnectAsync(Sim.Control!);
        var (reply, data) = await control.CommandAsync($"INBOX {phone}");
        if (!reply.StartsWith("OK", StringComparison.Ordinal)) throw new InvalidOperationException($"INBOX {phone}: {reply}");
        return data.Select(line => JsonDocument.Parse(line).RootElement)
            .Select(e => (e.GetProperty("from").GetString()!, e.GetProperty("text").GetString()!))
            .ToList();
    }

    /// <summary>A phone sends an SMS to a SIM of the virtual network.</summary>
    public async Task PhoneSendsAsync(string phone, string sim, string text)
    {
        await using var control = await ControlClient.ConnectAsync(Sim.Control!);
        var (reply, _) = await control.CommandAsync($"SEND {phone} {sim} {text}");
        if (!reply.StartsWith("OK", StringComparison.Ordinal)) throw new InvalidOperationException($"SEND to {sim}: {reply}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        await Sim.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Accounts;
using Gateway.Tests.Support;

namespace Gateway.ClusterLoad;

/// <summary>
/// N gateway processes on one PostgreSQL database and one modemsim network, configured like the
/// cluster tests (shortened failure detection: heartbeat 250ms, acceptable pause 2s, stable-after 2s).
/// </summary>
public sealed partial class BenchCluster : IAsyncDisposable
{
    public const string Password = "bench-pw";
    public const string Domain = "sms.example.net";

    private readonly string _dir = Directory.CreateTempSubdirectory("gw-bench-cluster-").FullName;
    private readonly List<HostProcess> _nodes = [];
    private readonly string _hash = PasswordHasher.Hash(Password, PasswordHasher.MinIterations);

    public required HostProcess Sim { get; init; }
    public required IPEndPoint ControlEndpoint { get; init; }
    public required IReadOnlyList<(string Name, string Number, int Port)> Modems { get; init; }
    public required int ModemsPerNode { get; init; }
    public required int[] ClusterPorts { get; init; }
    public required string ConnectionString { get; init; }
    public required int Users { get; init; }
    public List<int> SmtpPorts { get; } = [];
    public List<int> Pop3Ports { get; } = [];

    public IReadOnlyList<HostProcess> Nodes => _nodes;

    public static async Task<BenchCluster> StartAsync(ThrowawayPostgres pg, int nodes, int modemsPerNode, string latency, int users)
    {
        var sim = HostProcess.Start(["modemsim", "--modems", (nodes * modemsPerNode).ToString(), "--port", "0", "--control-port", "0", "--latency", latency]);
        var output = await sim.WaitForAsync("ready");
        var modems = ModemLine().Matches(output).Select(m => (m.Groups[1].Value, m.Groups[2].Value, int.Parse(m.Groups[3].Value))).ToList();
        var cluster = new BenchCluster
        {
            Sim = sim,
            ControlEndpoint = IPEndPoint.Parse(ControlLine().Match(output).Groups[1].Value),
            Modems = modems,
            ModemsPerNode = modemsPerNode,
            ClusterPorts = Enumerable.Range(0, nodes).Select(_ => TestEnvironment.FreePort()).ToArray(),
            ConnectionString = await pg.CreateDatabaseAsync(),
            Users = users,
        };
        try
        {
            for (var i = 0; i < nodes; i++) await cluster.StartNodeAsync(i);
        }
        catch
        {
            // A node that would not start (a refused configuration, say) must not leave the others running.
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public static string NodeName(int i) => $"node-{(char)('a' + i)}";

    public IEnumerable<string> NumbersOf(int node) => Modems.Skip(node * ModemsPerNode).Take(ModemsPerNode).Select(m => m.Number);

    public async Task StartNodeAsync(int i)
    {
        // One hash for every node: users must be the same on all nodes, salt included.
        var hash = _hash;
        var modules = string.Join("\n", Modems.Skip(i * ModemsPerNode).Take(ModemsPerNode).Select((m, j) =>
            $"gsm-{(char)('a' + i)}{j + 1} {{ node = \"{NodeName(i)}\", group = operator-a, transport = tcp, host = \"127.0.0.1\", port = {m.Port}, number = \"{m.Number}\" }}"));
        var file = Path.Combine(_dir, $"{NodeName(i)}.conf");
        await File.WriteAllTextAsync(file, $$"""
            gateway {
              node.name = "{{NodeName(i)}}"
              storage { provider = postgresql, connection-string = "{{ConnectionString}}" }
              cluster {
                hostname = "127.0.0.1", port = {{ClusterPorts[i]}}
                seed-nodes = [{{string.Join(", ", ClusterPorts.Select(p => $"\"127.0.0.1:{p}\""))}}]
                compatibility-timeout = 2s
                failure-detector { heartbeat-interval = 250ms, acceptable-heartbeat-pause = 2s }
                split-brain { stable-after = 2s }
              }
              mail {
                domain = "{{Domain}}"
                smtp.listen = [ { host = "127.0.0.1", port = 0, tls = none } ]
                pop3.listen = [ { host = "127.0.0.1", port = 0, tls = none } ]
              }
              users {
            {{string.Join("\n", Enumerable.Range(1, Users).Select(u => $"u{u} {{ password-hash = \"{hash}\", sms-groups = [operator-a] }}"))}}
              }
              sms-groups { operator-a { selection = least-busy } }
              modules {
            {{modules}}
              }
              routing {
                outgoing = [ { destinations = ["+420*"], groups = [operator-a] } ]
                incoming = [ { group = operator-a, action = autoclip }, { group = "*", action = drop } ]
                answer-timeout = 2s
                delivery-retry-min = 500ms
                delivery-retry-max = 2s
              }
              sms.status-reports = off
              modem { health-interval = 1h }
            }
            """);
        var node = HostProcess.Start(["run", "--config", file]);
        if (i < _nodes.Count) _nodes[i] = node; else _nodes.Add(node);
        var output = await node.WaitForAsync("POP3 listening on");
        await node.WaitForAsync("SMTP listening on");
        output = node.Stdout;
        var smtp = int.Parse(SmtpLine().Match(output).Groups[1].Value);
        var pop3 = int.Parse(Pop3Line().Match(output).Groups[1].Value);
        if (i < SmtpPorts.Count) { SmtpPorts[i] = smtp; Pop3Ports[i] = pop3; } else { SmtpPorts.Add(smtp); Pop3Ports.Add(pop3); }
        for (var j = 1; j <= ModemsPerNode; j++) await node.WaitForAsync($"gsm-{(char)('a' + i)}{j} ready");
        await node.WaitForAsync(i == 0 && _nodes.Count == 1 ? "cluster's oldest member" : "configuration matches the cluster's");
    }

    /// <summary>What a phone received: (sender SIM, text) per SMS.</summary>
    public async Task<List<(string From, string Text)>> InboxAsync(string phone) =>
        (await Control.CommandAsync(ControlEndpoint, $"INBOX {phone}"))
        .Select(l => JsonDocument.Parse(l).RootElement)
        .Select(e => (e.GetProperty("from").GetString()!, e.GetProperty("text").GetString()!))
        .ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var n in _nodes) await n.DisposeAsync();
        await Sim.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [GeneratedRegex(@"^(gsm-\d+) (\+\d+) 127\.0\.0\.1:(\d+)$", RegexOptions.Multiline)]
    private static partial Regex ModemLine();

    [GeneratedRegex(@"^control (127\.0\.0\.1:\d+)$", RegexOptions.Multiline)]
    private static partial Regex ControlLine();

    [GeneratedRegex(@"SMTP listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex SmtpLine();

    [GeneratedRegex(@"POP3 listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Pop3Line();
}

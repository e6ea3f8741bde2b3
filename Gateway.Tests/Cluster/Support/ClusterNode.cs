using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;

namespace Gateway.Tests.Clustering.Support;

/// <summary>
/// One node of a <see cref="GatewayCluster"/>: its configuration file and, while it runs, its
/// process, with the SMTP and POP3 ports it printed. A node can be started again after it stopped
/// (the same file, the same cluster port: a restart as a supervisor does it).
/// </summary>
public sealed partial class ClusterNode : IAsyncDisposable
{
    private readonly GatewayCluster _cluster;
    private readonly int[] _seedPorts;
    private HostProcess? _process;

    internal ClusterNode(GatewayCluster cluster, string name, int clusterPort, int[] seedPorts, IReadOnlyList<(string Name, string Number, IPEndPoint Endpoint)> modems)
    {
        _cluster = cluster;
        Name = name;
        ClusterPort = clusterPort;
        _seedPorts = seedPorts;
        Modules = modems.Select((m, i) => new NodeModule($"gsm-{name[^1]}{i + 1}", m.Number, m.Endpoint.Port)).ToArray();
        ConfigPath = Path.Combine(cluster.Directory, $"{name}.conf");
    }

    public string Name { get; }

    public int ClusterPort { get; }

    public string ConfigPath { get; }

    /// <summary>The modules this node drives: name, SIM number, modemsim port.</summary>
    public IReadOnlyList<NodeModule> Modules { get; }

    public HostProcess Process => _process ?? throw new InvalidOperationException($"{Name} is not running");

    public bool IsRunning => _process is { HasExited: false };

    public int SmtpPort { get; private set; }

    public int Pop3Port { get; private set; }

    /// <summary>Writes the node's file; <paramref name="extra"/> HOCON is appended (later keys win), to make a node misfit.</summary>
    public void WriteConfig(string extra = "")
    {
        var modules = string.Join("\n", Modules.Select(m =>
            $"    {m.Name} {{ node = \"{Name}\", group = {_cluster.GroupOf(Name)}, transport = tcp, host = \"127.0.0.1\", port = {m.Port}, number = \"{m.Number}\" }}"));
        File.WriteAllText(ConfigPath, $$"""
            {{_cluster.SharedHocon(_seedPorts)}}
            gateway {
              node.name = "{{Name}}"
              cluster.port = {{ClusterPort}}
              modules {
            {{modules}}
              }
            }
            {{extra}}
            """);
    }

    /// <summary>Starts the process and waits until it listens, its modules are ready and it is an Up member whose configuration was checked.</summary>
    public async Task StartAsync()
    {
        if (!File.Exists(ConfigPath)) WriteConfig();
        if (_process is not null) await _process.DisposeAsync();
        _process = HostProcess.Start(["run", "--config", ConfigPath]);
        await WaitForLogAsync("SMTP listening on 127.0.0.1:", 0);
        await WaitForLogAsync("POP3 listening on 127.0.0.1:", 0);
        SmtpPort = int.Parse(SmtpLine().Match(Output).Groups[1].Value);
        Pop3Port = int.Parse(Pop3Line().Match(Output).Groups[1].Value);
        foreach (var m in Modules) await WaitForLogAsync($"{m.Name} ready", 0);
        await WaitForAnyLogAsync(["configuration matches the cluster's", "this node is the cluster's oldest member"], 0);
        _cluster.Output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {Name} up: cluster 127.0.0.1:{ClusterPort}, SMTP {SmtpPort}, POP3 {Pop3Port}");
    }

    /// <summary>Starts the process without waiting for anything (for a node expected to be refused).</summary>
    public HostProcess Launch()
    {
        if (!File.Exists(ConfigPath)) WriteConfig();
        _process = HostProcess.Start(["run", "--config", ConfigPath]);
        return _process;
    }

    /// <summary>kill -9: no leave, no hand-over; the others must notice and down it.</summary>
    public async Task KillAsync()
    {
        Process.Signal(9);
        await Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        _cluster.Output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {Name} killed (SIGKILL)");
    }

    /// <summary>SIGTERM: a graceful leave; returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        Process.Signal(15);
        var code = await Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        _cluster.Output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {Name} stopped after SIGTERM with exit code {code}");
        return code;
    }

    /// <summary>Everything the running (or last) process printed, stdout then stderr.</summary>
    public string Output => _process is null ? "" : _process.Stdout + _process.Stderr;

    /// <summary>Where the output ends now: pass it as <c>from</c> to wait only for lines printed later.</summary>
    public int Mark => _process?.Stdout.Length ?? 0;

    public Task WaitForLogAsync(string text, int from, TimeSpan? timeout = null) => WaitForAnyLogAsync([text], from, timeout);

    /// <summary>Waits for one of <paramref name="texts"/> in stdout after <paramref name="from"/>; fails with the node's output.</summary>
    public async Task WaitForAnyLogAsync(string[] texts, int from, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        while (clock.Elapsed < limit)
        {
            var stdout = Process.Stdout;
            var tail = from < stdout.Length ? stdout[from..] : "";
            if (texts.Any(t => tail.Contains(t, StringComparison.Ordinal))) return;
            if (Process.HasExited && !texts.Any(t => Process.Stdout[Math.Min(from, Process.Stdout.Length)..].Contains(t, StringComparison.Ordinal)))
                throw new InvalidOperationException($"{Name} exited (code {await Process.WaitForExitAsync(TimeSpan.FromSeconds(5))}) before printing \"{texts[0]}\":\n{Output}");
            await Task.Delay(50);
        }
        throw new TimeoutException($"{Name} did not print \"{string.Join("\" or \"", texts)}\" within {limit.TotalSeconds}s:\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }

    [GeneratedRegex(@"SMTP listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex SmtpLine();

    [GeneratedRegex(@"POP3 listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Pop3Line();
}

/// <summary>A module of a test node: its name, SIM number and the modemsim port it reaches its modem on.</summary>
public sealed record NodeModule(string Name, string Number, int Port);

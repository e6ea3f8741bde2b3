using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.ClusterLoad;

/// <summary>A Gateway.Host process (a node or modemsim) whose output is kept for waiting on lines.</summary>
public sealed class HostRun : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostRun(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public int Mark => Output.Length;

    public static HostRun Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Gateway.Host.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        return new HostRun(Process.Start(info)!);
    }

    public async Task<string> WaitForAsync(string text, int from = 0, double seconds = 120)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            var output = Output;
            if (output.IndexOf(text, Math.Min(from, output.Length), StringComparison.Ordinal) >= 0) return output;
            if (_process.HasExited) throw new InvalidOperationException($"exited before \"{text}\":\n{output}");
            await Task.Delay(20);
        }
        throw new TimeoutException($"no \"{text}\" in {seconds}s:\n{Output}");
    }

    public void Kill9() => _process.Kill();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

/// <summary>The virtual network's control line: one command, its reply line and the data lines it announces.</summary>
public static class Control
{
    public static async Task<List<string>> CommandAsync(IPEndPoint endpoint, string line)
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(endpoint);
        using var reader = new StreamReader(tcp.GetStream(), Encoding.UTF8);
        await reader.ReadLineAsync(); // greeting
        await tcp.GetStream().WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        var reply = await reader.ReadLineAsync() ?? throw new IOException("control line closed");
        if (!reply.StartsWith("OK", StringComparison.Ordinal)) throw new InvalidOperationException($"{line}: {reply}");
        var data = new List<string>();
        if (reply.Split(' ') is [_, var n, ..] && int.TryParse(n, out var count))
            for (var i = 0; i < count; i++) data.Add(await reader.ReadLineAsync() ?? throw new IOException("control line closed"));
        return data;
    }
}

/// <summary>A throwaway PostgreSQL server (Debian's binaries, run as the postgres user when root), removed at the end.</summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _dir;
    private readonly string _bin;

    private ThrowawayPostgres(string dir, string bin, int port)
    {
        _dir = dir;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    private static bool IsRoot => Environment.UserName == "root";

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin"))
            .First(b => File.Exists(Path.Combine(b, "initdb")));
        var dir = Directory.CreateTempSubdirectory("gw-bench-pg-").FullName;
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:postgres", dir);
            await RunAsync("chmod", "700", dir);
        }
        var port = FreePort();
        var pg = new ThrowawayPostgres(dir, bin, port);
        await pg.ToolAsync("initdb", "-D", dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N");
        await pg.ToolAsync("pg_ctl", "-D", dir, "-l", Path.Combine(dir, "server.log"), "-w", "-o",
            $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c max_connections=300", "start");
        return pg;
    }

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new Npgsql.NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres");
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name};Pooling=true;Maximum Pool Size=50";
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task ToolAsync(string tool, params string[] args)
    {
        var path = Path.Combine(_bin, tool);
        return IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", path, .. args]) : RunAsync(path, args);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {await err}");
    }

    public async ValueTask DisposeAsync()
    {
        try { await ToolAsync("pg_ctl", "-D", _dir, "-m", "immediate", "-w", "stop"); }
        finally { Directory.Delete(_dir, recursive: true); }
    }
}

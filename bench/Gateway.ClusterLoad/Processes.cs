using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Tests.Support;

namespace Gateway.ClusterLoad;

/// <summary>Waiting on the Gateway.Host processes of the bench (the tests' <see cref="HostProcess"/>, linked in).</summary>
public static class HostOutput
{
    /// <summary>Waits until <paramref name="text"/> is in the process's output; returns its output, or fails with it.</summary>
    public static async Task<string> WaitForAsync(this HostProcess process, string text, double seconds = 120)
    {
        if (await process.WaitForOutputAsync(text, TimeSpan.FromSeconds(seconds))) return process.Stdout;
        var why = process.HasExited ? "it exited first" : $"not within {seconds} s";
        throw new TimeoutException($"no \"{text}\" ({why}):\n{process.Stdout}{process.Stderr}");
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

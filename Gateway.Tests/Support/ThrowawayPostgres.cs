using System.Diagnostics;
using Npgsql;

namespace Gateway.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL server: initdb into a temp folder (as the <c>postgres</c> user when run
/// as root), started on a free loopback port, stopped and removed on dispose. Debian's
/// <c>postgresql</c> package provides the binaries. The tests hold one per run
/// (<see cref="PostgresServer"/>); <c>bench/Gateway.ClusterLoad</c> links this file and starts its own.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _dataDir;
    private int _databases;

    private ThrowawayPostgres(string dataDir, int port)
    {
        _dataDir = dataDir;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Why a server cannot be started here, or null when it can.</summary>
    public static string? Unavailable { get; } = FindUnavailability();

    /// <summary>PostgreSQL's server binaries (Debian keeps them off PATH).</summary>
    private static string? BinDir =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending()
                .Select(d => Path.Combine(d, "bin")).FirstOrDefault(b => File.Exists(Path.Combine(b, "initdb")))
            : null;

    private static bool IsRoot => Environment.UserName == "root";

    private static string? FindUnavailability()
    {
        if (BinDir is null) return "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (Debian package postgresql)";
        if (IsRoot && !File.ReadAllText("/etc/passwd").Contains("\npostgres:", StringComparison.Ordinal))
            return "running as root but there is no postgres user to run initdb as";
        return null;
    }

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        if (Unavailable is { } reason) throw new InvalidOperationException($"PostgreSQL is unavailable: {reason}");
        var dataDir = Directory.CreateTempSubdirectory("gw-pg-").FullName;
        var port = TestEnvironment.FreePort();
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:postgres", dataDir);
            await RunAsync("chmod", "700", dataDir);
        }
        await RunAsServerUserAsync("initdb", "-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N");
        await RunAsServerUserAsync("pg_ctl", "-D", dataDir, "-l", Path.Combine(dataDir, "server.log"), "-w",
            "-o", $"-p {port} -k {dataDir} -c listen_addresses=127.0.0.1 -c max_connections=300", "start");
        return new ThrowawayPostgres(dataDir, port);
    }

    /// <summary>A fresh, empty database on the server; returns its Npgsql connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"gateway_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..30];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50";

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsServerUserAsync("pg_ctl", "-D", _dataDir, "-m", "immediate", "-w", "stop");
        }
        finally
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private static Task RunAsServerUserAsync(string tool, params string[] args)
    {
        var path = Path.Combine(BinDir!, tool);
        return IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", path, .. args]) : RunAsync(path, args);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}");
    }
}

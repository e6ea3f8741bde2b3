using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace Gateway.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL server for the tests that need one: initdb into a temp folder, started
/// on a free loopback port, removed afterwards. One server per test run (a collection fixture);
/// each test makes its own database with <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    /// <summary>Set by CI: a missing PostgreSQL then fails the tests instead of skipping them.</summary>
    public const string RequireVariable = "GATEWAY_REQUIRE_POSTGRES";

    private string? _dataDir;
    private int _databases;

    public int Port { get; private set; }

    /// <summary>Why PostgreSQL tests cannot run here, or null when they can.</summary>
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

    public async Task InitializeAsync()
    {
        if (Unavailable is { } reason) throw new InvalidOperationException($"PostgreSQL is required ({RequireVariable}=1) but unavailable: {reason}");
        _dataDir = Directory.CreateTempSubdirectory("gw-pg-").FullName;
        Port = TestEnvironment.FreePort();
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:postgres", _dataDir);
            await RunAsync("chmod", "700", _dataDir);
        }
        await RunAsServerUserAsync("initdb", "-D", _dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N");
        await RunAsServerUserAsync("pg_ctl", "-D", _dataDir, "-l", Path.Combine(_dataDir, "server.log"), "-w",
            "-o", $"-p {Port} -k {_dataDir} -c listen_addresses=127.0.0.1 -c max_connections=200", "start");
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

    public async Task DisposeAsync()
    {
        if (_dataDir is null) return;
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

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}

/// <summary>
/// A test that needs PostgreSQL: skipped, with the reason, where the server is not installed,
/// unless <see cref="PostgresServer.RequireVariable"/> is set (CI sets it, so there it fails instead).
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.Unavailable is { } reason && Environment.GetEnvironmentVariable(PostgresServer.RequireVariable) != "1")
            Skip = $"needs PostgreSQL: {reason}";
    }
}

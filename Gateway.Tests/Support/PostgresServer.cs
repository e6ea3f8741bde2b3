using Xunit;

namespace Gateway.Tests.Support;

/// <summary>
/// The tests' PostgreSQL: one <see cref="ThrowawayPostgres"/> per test run (a collection fixture);
/// each test makes its own database with <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    /// <summary>Set by CI: a missing PostgreSQL then fails the tests instead of skipping them.</summary>
    public const string RequireVariable = "GATEWAY_REQUIRE_POSTGRES";

    private ThrowawayPostgres? _server;

    public async Task InitializeAsync()
    {
        if (ThrowawayPostgres.Unavailable is { } reason) throw new InvalidOperationException($"PostgreSQL is required ({RequireVariable}=1) but unavailable: {reason}");
        _server = await ThrowawayPostgres.StartAsync();
    }

    /// <summary>A fresh, empty database on the server; returns its Npgsql connection string.</summary>
    public Task<string> CreateDatabaseAsync() =>
        (_server ?? throw new InvalidOperationException("the PostgreSQL fixture has not started")).CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
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
        if (ThrowawayPostgres.Unavailable is { } reason && Environment.GetEnvironmentVariable(PostgresServer.RequireVariable) != "1")
            Skip = $"needs PostgreSQL: {reason}";
    }
}

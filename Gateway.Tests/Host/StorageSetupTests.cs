using Gateway.Configuration;
using Gateway.Host.Hosting;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Gateway.Tests.Host;

/// <summary>What "stored" means on the embedded store: an acknowledged journal write is on disk.</summary>
public class StorageSetupTests
{
    [Fact]
    public void The_SQLite_store_runs_in_WAL_mode_with_full_synchronous_commits()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("gw-sync-").FullName, "gateway.db");
        var connectionString = StorageSetup.Prepare(new StorageSettings(StorageProvider.Sqlite, $"Data Source={path}"));
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "PRAGMA synchronous";
        Assert.Equal(2L, command.ExecuteScalar()); // 2 = FULL: the WAL is synced at every commit
    }
}

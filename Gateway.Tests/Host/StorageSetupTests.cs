using Gateway.Configuration;
using Gateway.Host.Hosting;
using LinqToDB.Data;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Gateway.Tests.Host;

/// <summary>What "stored" means on the embedded store: an acknowledged journal write is on disk.</summary>
public class StorageSetupTests
{
    private static string PreparedSqlite() =>
        StorageSetup.Prepare(new StorageSettings(StorageProvider.Sqlite,
            $"Data Source={Path.Combine(Directory.CreateTempSubdirectory("gw-sync-").FullName, "gateway.db")}"));

    [Fact]
    public void The_SQLite_store_runs_in_WAL_mode_with_full_synchronous_commits()
    {
        using var connection = new SqliteConnection(PreparedSqlite());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "PRAGMA synchronous";
        Assert.Equal(2L, command.ExecuteScalar()); // 2 = FULL: the WAL is synced at every commit
    }

    [Fact]
    public void Every_sqlite_connection_of_the_journal_waits_for_a_busy_database_instead_of_failing_into_a_150_ms_retry()
    {
        using var db = new DataConnection(StorageSetup.DataOptions(StorageProvider.Sqlite, PreparedSqlite()));
        Assert.Equal((long)StorageSetup.SqliteWriteWait.TotalMilliseconds, db.Execute<long>("PRAGMA busy_timeout"));
        Assert.Equal(2, db.Execute<long>("PRAGMA synchronous")); // the journal's own connections commit with FULL too
    }
}

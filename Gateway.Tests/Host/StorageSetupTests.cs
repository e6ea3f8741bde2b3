using Gateway.Configuration;
using Gateway.Host.Hosting;
using LinqToDB;
using LinqToDB.Data;
using Xunit;

namespace Gateway.Tests.Host;

public class StorageSetupTests
{
    [Fact]
    public void Every_sqlite_connection_of_the_journal_waits_for_a_busy_database_instead_of_failing_into_a_150_ms_retry()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("gw-storage-").FullName, "gateway.db");
        var connectionString = StorageSetup.Prepare(new StorageSettings(StorageProvider.Sqlite, $"Data Source={path}"));
        using var db = new DataConnection(StorageSetup.DataOptions(StorageProvider.Sqlite, connectionString));
        Assert.Equal((long)StorageSetup.SqliteWriteWait.TotalMilliseconds, db.Execute<long>("PRAGMA busy_timeout"));
        Assert.Equal("wal", db.Execute<string>("PRAGMA journal_mode"));
        Assert.Equal(2, db.Execute<long>("PRAGMA synchronous")); // FULL: every commit is fsynced, in WAL mode too
    }
}

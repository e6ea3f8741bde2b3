using Gateway.Configuration;
using LinqToDB;
using Microsoft.Data.Sqlite;

namespace Gateway.Host.Hosting;

/// <summary>Prepares the journal's database before Akka starts and names the linq2db provider for it.</summary>
public static class StorageSetup
{
    /// <summary>The linq2db provider name Akka.Persistence.Sql needs for <paramref name="provider"/>.</summary>
    public static string ProviderName(StorageProvider provider) => provider switch
    {
        StorageProvider.Postgresql => LinqToDB.ProviderName.PostgreSQL15,
        _ => LinqToDB.ProviderName.SQLiteMS,
    };

    /// <summary>How long a SQLite write waits for another connection's write before it fails (see <see cref="SqliteBusyTimeout"/>).</summary>
    public static readonly TimeSpan SqliteWriteWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The linq2db options the journal and snapshot store use: the provider and connection string,
    /// and for SQLite a busy timeout on every connection (<see cref="Hosting.SqliteBusyTimeout"/>).
    /// </summary>
    public static DataOptions DataOptions(StorageProvider provider, string connectionString)
    {
        var options = new DataOptions().UseConnectionString(ProviderName(provider), connectionString);
        return provider == StorageProvider.Sqlite ? options.UseInterceptor(new SqliteBusyTimeout(SqliteWriteWait)) : options;
    }

    /// <summary>
    /// For SQLite: makes the data file's path absolute (relative paths are against the working
    /// directory), creates its folder and turns on WAL once, which multiplies journal write rates.
    /// Returns the connection string to hand to Akka.
    /// </summary>
    public static string Prepare(StorageSettings storage)
    {
        if (storage.Provider != StorageProvider.Sqlite) return storage.ConnectionString;
        var builder = new SqliteConnectionStringBuilder(storage.ConnectionString);
        var isMemory = builder.Mode == SqliteOpenMode.Memory || builder.DataSource.StartsWith("file:", StringComparison.Ordinal)
                       || builder.DataSource == ":memory:";
        if (!isMemory)
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }
        var connectionString = builder.ToString();
        if (!isMemory)
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            command.ExecuteNonQuery();
        }
        return connectionString;
    }
}

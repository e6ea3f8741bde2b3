using Akka.Configuration;
using Gateway.Configuration;
using Gateway.Host.Hosting;
using Gateway.AutoClip;
using Gateway.Mailbox;
using Gateway.Routing.Incoming;
using Microsoft.Data.Sqlite;

namespace Gateway.Tests.Support;

/// <summary>
/// A real SQLite file in a fresh temp folder, prepared like the host prepares it (WAL), with the
/// Akka.Persistence.Sql journal and snapshot store configured on it, for actor specs.
/// </summary>
public sealed class SqliteJournal
{
    public string DatabasePath { get; }

    public string ConnectionString { get; }

    public SqliteJournal()
    {
        DatabasePath = Path.Combine(Directory.CreateTempSubdirectory("gw-journal-").FullName, "gateway.db");
        ConnectionString = StorageSetup.Prepare(new StorageSettings(StorageProvider.Sqlite, $"Data Source={DatabasePath}"));
    }

    /// <summary>Akka configuration: SQL journal and snapshot store on this file, the gateway's serializers bound.</summary>
    public Config AkkaConfig => ConfigurationFactory.ParseString($$"""
        akka.loglevel = DEBUG
        akka.persistence {
          journal {
            plugin = "akka.persistence.journal.sql"
            sql {
              class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
              connection-string = "{{ConnectionString}}"
              provider-name = "SQLite.MS"
              auto-initialize = on
            }
          }
          snapshot-store {
            plugin = "akka.persistence.snapshot-store.sql"
            sql {
              class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
              connection-string = "{{ConnectionString}}"
              provider-name = "SQLite.MS"
              auto-initialize = on
            }
          }
        }
        {{MailboxSerializer.Hocon}}
        {{AutoClipSerializer.Hocon}}
        {{IncomingSerializer.Hocon}}
        """);

    /// <summary>Rows the journal holds for a persistence id (deleted rows excluded).</summary>
    public long JournalRows(string persistenceId) =>
        Scalar("SELECT COUNT(*) FROM journal WHERE persistence_id = $id AND deleted = 0", persistenceId);

    /// <summary>The manifests of the journal's rows for a persistence id, in sequence order (deleted rows excluded).</summary>
    public IReadOnlyList<string> JournalManifests(string persistenceId)
    {
        if (JournalRows(persistenceId) == 0) return [];
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT manifest FROM journal WHERE persistence_id = $id AND deleted = 0 ORDER BY sequence_number";
        command.Parameters.AddWithValue("$id", persistenceId);
        using var reader = command.ExecuteReader();
        var manifests = new List<string>();
        while (reader.Read()) manifests.Add(reader.GetString(0));
        return manifests;
    }

    public long SnapshotRows(string persistenceId) =>
        Scalar("SELECT COUNT(*) FROM snapshot WHERE persistence_id = $id", persistenceId);

    private long Scalar(string sql, string persistenceId)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('journal', 'snapshot')";
        if (Convert.ToInt64(command.ExecuteScalar()) < 2) return 0; // nothing was ever written: the tables are made on first use
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", persistenceId);
        return Convert.ToInt64(command.ExecuteScalar());
    }
}

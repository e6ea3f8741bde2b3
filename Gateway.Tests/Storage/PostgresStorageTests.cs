using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Host.Hosting;
using Gateway.Mailbox;
using Gateway.Tests.Support;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MimeKit;
using Npgsql;
using Xunit;

namespace Gateway.Tests.Storage;

/// <summary>
/// <c>storage.provider = postgresql</c> against a real server: the node creates its tables on
/// start, and what it acknowledged is still there for a new node on the same database.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageTests(PostgresServer postgres)
{
    private const string Password = "pg-test";
    private static readonly string Hash = PasswordHasher.Hash(Password, PasswordHasher.MinIterations);

    private static GatewaySettings Settings(string connectionString) => GatewaySettings.Load(ConfigurationFactory.ParseString($$"""
        gateway {
          storage { provider = postgresql, connection-string = "{{connectionString}}" }
          cluster { hostname = "127.0.0.1", port = 0 }
          mail { smtp.listen = [ { host = "127.0.0.1", port = 0 } ], pop3.listen = [] }
          users { alice { password-hash = "{{Hash}}", sms-groups = [operator-a] } }
          sms-groups { operator-a {} }
          routing { outgoing = [ { destinations = ["+420*"], groups = [operator-a] } ] }
        }
        """)).Settings!;

    [PostgresFact]
    public async Task A_node_on_PostgreSQL_creates_its_tables_and_a_second_node_on_the_same_database_finds_the_accepted_job()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        string jobId;
        using (var first = GatewayHost.Build(Settings(connectionString)))
        {
            await first.StartAsync();
            var port = first.Services.GetRequiredService<SmtpHosting.SmtpListeners>().Endpoints.Single().Bound.Port;
            var mail = new MimeMessage();
            mail.From.Add(MailboxAddress.Parse("alice@sms.example.net"));
            mail.To.Add(MailboxAddress.Parse("+420777123456@sms.example.net"));
            mail.Body = new TextPart("plain") { Text = "stored in PostgreSQL" };
            using (var client = new SmtpClient { Timeout = 30_000 })
            {
                await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
                await client.AuthenticateAsync("alice", Password);
                jobId = Regex.Match(await client.SendAsync(mail), @"queued as SMS job ([0-9A-Z]{16})").Groups[1].Value;
                await client.DisconnectAsync(true);
            }
            Assert.NotEmpty(jobId);
            await first.StopAsync();
        }

        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var tables = new NpgsqlCommand(
                "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('journal', 'snapshot')", connection);
            Assert.Equal(2L, (long)(await tables.ExecuteScalarAsync())!);
        }

        using var second = GatewayHost.Build(Settings(connectionString));
        await second.StartAsync();
        try
        {
            var region = second.Services.GetRequiredService<ActorRegistry>().Get<MailboxRegion>();
            var jobs = await region.Ask<OutgoingJobsResult>(new GetOutgoingJobs("alice"), TimeSpan.FromSeconds(20));
            Assert.Equal("stored in PostgreSQL", Assert.Single(jobs.Jobs, j => j.Job.JobId == jobId).Job.Text);
        }
        finally
        {
            await second.StopAsync();
        }
    }
}

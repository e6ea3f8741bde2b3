using System.Net;
using System.Text.RegularExpressions;
using System.Threading.Channels;
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
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MimeKit;
using Xunit;

namespace Gateway.Tests.Mail.Smtp;

/// <summary>
/// SMTP against the whole node: the real host (cluster of one, sharded mailboxes on a real SQLite
/// file), a real client. Proves that a 250 means the job is in the user's mailbox, that the job
/// is handed to the outgoing-job consumer, and that it survives the process being killed.
/// </summary>
public sealed class SmtpEndToEndTests
{
    private const string AlicePassword = "alice-e2e";
    private static readonly string AliceHash = PasswordHasher.Hash(AlicePassword, PasswordHasher.MinIterations);

    private static string Hocon(string databasePath, string extra = "") => $$"""
        gateway {
          node.name = "node-a"
          storage { provider = sqlite, connection-string = "Data Source={{databasePath}}" }
          cluster { hostname = "127.0.0.1", port = 0 }
          mail {
            domain = "sms.example.net"
            smtp.listen = [ { host = "127.0.0.1", port = 0, tls = none } ]
            pop3.listen = []
          }
          users { alice { address = "alice@sms.example.net", password-hash = "{{AliceHash}}", sms-groups = [operator-a] } }
          sms-groups { operator-a { selection = least-busy } }
          modules {}
          routing { outgoing = [ { destinations = ["+420*"], groups = [operator-a] } ], incoming = [] }
          {{extra}}
        }
        """;

    private static string NewDatabasePath() => Path.Combine(Directory.CreateTempSubdirectory("gw-smtp-e2e-").FullName, "gateway.db");

    private static MimeMessage Mail(string text, string to = "+420777123456@sms.example.net")
    {
        var m = new MimeMessage();
        m.From.Add(MailboxAddress.Parse("alice@sms.example.net"));
        m.To.Add(MailboxAddress.Parse(to));
        m.Subject = "e2e";
        m.Body = new TextPart("plain") { Text = text };
        return m;
    }

    private static async Task<string> SendAsync(int port, MimeMessage mail)
    {
        using var client = new SmtpClient { Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await client.AuthenticateAsync("alice", AlicePassword);
        var reply = await client.SendAsync(mail);
        await client.DisconnectAsync(true);
        return reply;
    }

    private static string JobIdIn(string reply) => Regex.Match(reply, @"queued as SMS job ([0-9A-Z]{16})").Groups[1].Value;

    /// <summary>Stands in for the SMS router: passes every offered job to the test.</summary>
    private sealed class ChannelConsumer : ReceiveActor
    {
        public ChannelConsumer(ChannelWriter<OutgoingJobQueued> offered) => Receive<OutgoingJobQueued>(q => offered.TryWrite(q));
    }

    [Fact]
    public async Task A_mail_answered_250_is_a_job_in_the_users_mailbox_and_is_handed_to_the_job_consumer()
    {
        var settings = GatewaySettings.Load(ConfigurationFactory.ParseString(Hocon(NewDatabasePath()))).Settings!;
        var offered = Channel.CreateUnbounded<OutgoingJobQueued>();
        using var host = GatewayHost.Build(settings, configureAkka: akka => akka.WithActors((system, registry) =>
            registry.Register<OutgoingJobConsumer>(system.ActorOf(Props.Create(() => new ChannelConsumer(offered.Writer)), "test-consumer"))));
        await host.StartAsync();
        try
        {
            var port = host.Services.GetRequiredService<SmtpHosting.SmtpListeners>().Endpoints.Single().Bound.Port;
            var reply = await SendAsync(port, Mail("Hello from the end-to-end test"));
            var jobId = JobIdIn(reply);
            Assert.NotEmpty(jobId);

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var handedOff = await offered.Reader.ReadAsync(wait.Token);
            Assert.Equal(jobId, handedOff.Job.JobId);
            Assert.Equal("alice", handedOff.Job.User);
            Assert.Equal("+420777123456", handedOff.Job.Destination);
            Assert.Equal("Hello from the end-to-end test", handedOff.Job.Text);

            var region = host.Services.GetRequiredService<ActorRegistry>().Get<MailboxRegion>();
            var jobs = await region.Ask<OutgoingJobsResult>(new GetOutgoingJobs("alice"), TimeSpan.FromSeconds(10));
            var stored = Assert.Single(jobs.Jobs);
            Assert.Equal(jobId, stored.Job.JobId);
            Assert.Equal(JobState.Queued, stored.Status.State);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_job_accepted_before_the_process_is_killed_is_still_there_after_a_restart()
    {
        var database = NewDatabasePath();
        var config = Path.Combine(Path.GetDirectoryName(database)!, "node.conf");
        // A node that only accepts mail (no modules, jobs logged and left queued): what is checked is the mailbox's re-offer.
        await File.WriteAllTextAsync(config, Hocon(database, "log.level = info\nrouting.job-consumer = log"));

        string jobId;
        await using (var first = HostProcess.Start(["run", "--config", config]))
        {
            var port = await SmtpPortOf(first);
            jobId = JobIdIn(await SendAsync(port, Mail("Survive the crash")));
            Assert.NotEmpty(jobId);
            first.Signal(9); // SIGKILL: no shutdown, no flush
            await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        // The journal itself holds the accepted job.
        Assert.True(JournalMentions(database, "mailbox-alice", jobId), $"job {jobId} is not in the journal");

        // A new process on the same file recovers the mailbox and offers the job again.
        await using var second = HostProcess.Start(["run", "--config", config]);
        Assert.True(await second.WaitForOutputAsync($"outgoing job {jobId} of alice", TimeSpan.FromSeconds(60)),
            $"the restarted node did not offer job {jobId}:\n{second.Stdout}\n{second.Stderr}");
        second.Signal(15);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task<int> SmtpPortOf(HostProcess host)
    {
        Assert.True(await host.WaitForOutputAsync("SMTP listening on 127.0.0.1:", TimeSpan.FromSeconds(60)),
            $"the node did not start SMTP:\n{host.Stdout}\n{host.Stderr}");
        return int.Parse(Regex.Match(host.Stdout + host.Stderr, @"SMTP listening on 127\.0\.0\.1:(\d+)").Groups[1].Value);
    }

    /// <summary>Whether a journal row of <paramref name="persistenceId"/> carries <paramref name="text"/> (job ids are ASCII in the event bytes).</summary>
    private static bool JournalMentions(string database, string persistenceId, string text)
    {
        using var connection = new SqliteConnection($"Data Source={database}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT message FROM journal WHERE persistence_id = $id";
        command.Parameters.AddWithValue("$id", persistenceId);
        using var reader = command.ExecuteReader();
        var needle = System.Text.Encoding.ASCII.GetBytes(text);
        while (reader.Read())
            if (((byte[])reader[0]).AsSpan().IndexOf(needle) >= 0) return true;
        return false;
    }
}

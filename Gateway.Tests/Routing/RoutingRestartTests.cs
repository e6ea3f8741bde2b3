using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Accounts;
using Gateway.Tests.Modem.Virtual;
using Gateway.Tests.Support;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Routing;

/// <summary>
/// The never-lose contract across a crash, with real processes: the virtual modems run in their
/// own process (the modemsim verb, reached over TCP like a modem pool), the gateway in another.
/// Mails are accepted (250), the gateway is killed with SIGKILL while most of them still wait to be
/// sent, a new gateway process starts on the same SQLite file, and every accepted mail reaches the
/// phone, counted on the virtual network's control line. What may arrive twice, per module: the SMS
/// the modem was sending at the kill, and the one it had just sent whose "sent" record was not yet
/// in the journal; with <c>modem.hold-until-recorded = on</c> only one (a module starts its next job
/// only once the last one's record is stored; DESIGN's contract, point 4).
/// </summary>
public sealed partial class RoutingRestartTests(ITestOutputHelper output)
{
    private const string Phone = "+420777123456";
    private const int Mails = 24;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task After_a_SIGKILL_while_jobs_are_queued_a_restarted_node_sends_every_job_that_got_a_250(bool holdUntilRecorded)
    {
        await using var sim = await ModemSim.StartAsync("--modems", "2", "--port", "0", "--control-port", "0", "--latency", "500ms");
        var dir = Directory.CreateTempSubdirectory("gw-route-restart-").FullName;
        var config = Path.Combine(dir, "node.conf");
        var modules = string.Join("\n", sim.Modems.Select(m =>
            $"{m.Name} {{ node = \"node-a\", group = operator-a, transport = tcp, host = \"127.0.0.1\", port = {m.Endpoint.Port} }}"));
        await File.WriteAllTextAsync(config, $$"""
            gateway {
              node.name = "node-a"
              log.level = info
              storage { provider = sqlite, connection-string = "Data Source={{Path.Combine(dir, "gateway.db")}}" }
              cluster { hostname = "127.0.0.1", port = 0 }
              mail {
                domain = "sms.example.net"
                smtp.listen = [ { host = "127.0.0.1", port = 0, tls = none } ]
                pop3.listen = []
              }
              users { alice { password-hash = "{{PasswordHasher.Hash("alice-pw", PasswordHasher.MinIterations)}}", sms-groups = [operator-a] } }
              sms-groups { operator-a { selection = least-busy } }
              modules { {{modules}} }
              routing { outgoing = [ { destinations = ["+420*"], groups = [operator-a] } ], incoming = [] }
              modem { health-interval = 1h, reopen-backoff-min = 200ms, reopen-backoff-max = 1s, hold-until-recorded = {{(holdUntilRecorded ? "on" : "off")}} }
            }
            """);

        var texts = Enumerable.Range(1, Mails).Select(i => $"restart test message {i:00}").ToArray();
        var accepted = new List<string>();
        await using (var first = HostProcess.Start(["run", "--config", config]))
        {
            var port = await SmtpPortAsync(first);
            await ModulesReadyAsync(first, sim.Modems.Count);
            using (var client = new SmtpClient { Timeout = 30_000 })
            {
                await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
                await client.AuthenticateAsync("alice", "alice-pw");
                foreach (var text in texts)
                {
                    Assert.Contains("queued as SMS job", await client.SendAsync(Mail(text)));
                    accepted.Add(text);
                }
                await client.DisconnectAsync(true);
            }
            // Two modules at 500 ms per SMS: 24 SMS take about 6 s. Kill the node once a few are out.
            Assert.True((await PhoneHoldsAsync(sim, 3)).Count >= 3, "the first node sent fewer than 3 SMS in 90 s");
            first.Signal(9);
            await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine($"killed with {(await InboxAsync(sim)).Count} of {Mails} SMS on the phone");
        }
        var beforeRestart = (await InboxAsync(sim)).Count;
        Assert.True(beforeRestart < Mails, "every SMS was out before the kill: nothing was left to recover");

        await using var second = HostProcess.Start(["run", "--config", config]);
        await SmtpPortAsync(second);
        // Wait for every accepted text, not for a count: a duplicate of an SMS in flight at the
        // crash may reach the phone before the last of the others.
        var inbox = await PhoneHoldsAsync(sim, Mails, accepted);

        var missing = accepted.Except(inbox).ToArray();
        Assert.True(missing.Length == 0, $"accepted but never sent: {string.Join(", ", missing)}\n{second.Stdout}");
        var duplicates = inbox.GroupBy(t => t).Where(g => g.Count() > 1).Sum(g => g.Count() - 1);
        Assert.InRange(duplicates, 0, (holdUntilRecorded ? 1 : 2) * sim.Modems.Count);
        Assert.DoesNotContain("was not confirmed within", second.Stdout); // every hold ended with its record, not with record-wait
        output.WriteLine($"{inbox.Count} SMS on the phone, {duplicates} duplicate(s)");
        second.Signal(15);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task<int> SmtpPortAsync(HostProcess host)
    {
        Assert.True(await host.WaitForOutputAsync("SMTP listening on 127.0.0.1:", TimeSpan.FromSeconds(60)), $"no SMTP:\n{host.Stdout}\n{host.Stderr}");
        return int.Parse(SmtpLine().Match(host.Stdout + host.Stderr).Groups[1].Value);
    }

    private static async Task ModulesReadyAsync(HostProcess host, int count)
    {
        for (var i = 1; i <= count; i++)
            Assert.True(await host.WaitForOutputAsync($"gsm-{i} ready", TimeSpan.FromSeconds(60)), $"gsm-{i} not ready:\n{host.Stdout}");
    }

    private static MimeMessage Mail(string text)
    {
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse("alice@sms.example.net"));
        mail.To.Add(MailboxAddress.Parse($"{Phone}@sms.example.net"));
        mail.Subject = "restart";
        mail.Body = new TextPart("plain") { Text = text };
        return mail;
    }

    /// <summary>The texts the phone received, from the control line's INBOX.</summary>
    private static async Task<List<string>> InboxAsync(ModemSim sim)
    {
        await using var control = await ControlClient.ConnectAsync(sim.Control!);
        var (reply, data) = await control.CommandAsync($"INBOX {Phone}");
        Assert.StartsWith("OK", reply);
        return data.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!).ToList();
    }

    private static async Task<List<string>> PhoneHoldsAsync(ModemSim sim, int count, IReadOnlyCollection<string>? texts = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var inbox = await InboxAsync(sim);
            if (inbox.Count >= count && (texts is null || texts.All(inbox.Contains))) return inbox;
            if (deadline.Elapsed > TimeSpan.FromSeconds(90)) return inbox; // the caller's assertions say what is missing
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"SMTP listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex SmtpLine();
}

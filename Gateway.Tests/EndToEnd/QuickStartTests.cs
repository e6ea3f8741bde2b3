using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Accounts;
using Gateway.Tests.Modem.Virtual;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// The README's quick start as a newcomer types it, with real programs in real processes: the
/// gateway on the shipped configuration (ports moved aside), swaks as the demo user, the phone verb
/// to read the SMS and answer it, mpop to fetch the answer. Then the same round trip with the
/// modules on TCP to a virtual modem bank in another process (a modem pool, ser2net-style).
/// </summary>
public sealed partial class QuickStartTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string Phone = "+420777123456";

    [Fact]
    public async Task The_README_quick_start_sends_an_SMS_with_swaks_answers_it_with_the_phone_verb_and_fetches_the_answer_with_mpop()
    {
        var dir = Directory.CreateTempSubdirectory("gw-quickstart-").FullName;
        var controlPort = TestEnvironment.FreePort();
        var control = $"127.0.0.1:{controlPort}";
        var config = await TestEnvironment.ShippedConfigAsync(dir, controlPort);
        await using var host = HostProcess.Start(["run", "--config", config], workingDirectory: dir);
        var (smtp, pop3) = await ListenersAsync(host);
        Assert.True(await host.WaitForOutputAsync("gsm-2 ready", Patience), host.Stdout);

        // The demo user and password the README states.
        await SwaksAsync(smtp, "demo", "demo", "00420777123456", "Are we still on for 5 pm?");
        var inbox = await PhoneInboxAsync(["phone", "inbox", Phone, "--control", control], 1);
        Assert.Equal("Are we still on for 5 pm?", inbox[0].GetProperty("text").GetString());

        var reply = await HostProcess.RunAsync(["phone", "reply", Phone, "Yes,", "see", "you", "there", "--control", control]);
        Assert.True(reply.ExitCode == 0, reply.Stdout + reply.Stderr);
        Assert.Contains($"{Phone} → {inbox[0].GetProperty("from").GetString()}: sent 1 part(s)", reply.Stdout);

        var mbox = await MpopUntilAsync(pop3, "demo", "demo", "Yes, see you there");
        Assert.Contains($"From: \"{Phone}\" <{Phone}@sms.example.net>", mbox);
        Assert.Contains("To: demo <demo@sms.example.net>", mbox);

        host.Signal(15);
        Assert.Equal(0, await host.WaitForExitAsync(Patience));
    }

    [Fact]
    public async Task The_round_trip_works_with_the_modules_on_TCP_to_a_virtual_modem_bank_in_another_process()
    {
        await using var sim = await ModemSim.StartAsync("--modems", "2", "--port", "0", "--control-port", "0", "--latency", "20ms");
        var dir = Directory.CreateTempSubdirectory("gw-roundtrip-tcp-").FullName;
        var config = Path.Combine(dir, "node.conf");
        var modules = string.Join("\n", sim.Modems.Select(m =>
            $"{m.Name} {{ node = \"node-a\", group = operator-a, transport = tcp, host = \"127.0.0.1\", port = {m.Endpoint.Port} }}"));
        await File.WriteAllTextAsync(config, $$"""
            gateway {
              storage { provider = sqlite, connection-string = "Data Source={{dir}}/gateway.db" }
              cluster { hostname = "127.0.0.1", port = 0 }
              mail {
                domain = "sms.example.net"
                smtp.listen = [ { host = "127.0.0.1", port = 0, tls = none } ]
                pop3.listen = [ { host = "127.0.0.1", port = 0, tls = none } ]
              }
              users { alice { password-hash = "{{PasswordHasher.Hash("alice-pw", PasswordHasher.MinIterations)}}", sms-groups = [operator-a] } }
              sms-groups { operator-a { selection = round-robin } }
              modules { {{modules}} }
              routing {
                outgoing = [ { destinations = ["+420*"], groups = [operator-a] } ]
                incoming = [ { group = operator-a, action = autoclip }, { group = "*", action = drop } ]
              }
            }
            """);
        await using var host = HostProcess.Start(["run", "--config", config], workingDirectory: dir);
        var (smtp, pop3) = await ListenersAsync(host);
        Assert.True(await host.WaitForOutputAsync("gsm-2 ready", Patience), host.Stdout);

        var question = "Kolik stojí lístek do Brna? Díky!";
        await SwaksAsync(smtp, "alice", "alice-pw", "00420777123456", question);
        var control = $"{sim.Control!.Address}:{sim.Control.Port}";
        var inbox = await PhoneInboxAsync(["phone", "inbox", Phone, "--control", control], 1);
        Assert.Equal((question, "ucs2", 1), (inbox[0].GetProperty("text").GetString(), inbox[0].GetProperty("coding").GetString(), inbox[0].GetProperty("parts").GetInt32()));
        var sentFrom = inbox[0].GetProperty("from").GetString();
        var module = sim.Modems.Single(m => m.Number == sentFrom).Name;

        var reply = await HostProcess.RunAsync(["phone", "reply", Phone, "Stojí 250 Kč.", "--control", control]);
        Assert.True(reply.ExitCode == 0, reply.Stdout + reply.Stderr);

        var mbox = await MpopUntilAsync(pop3, "alice", "alice-pw", "250 K");
        Assert.Contains($"X-Gateway-Module: {module}", mbox); // the answer came in on the module the question left by
        host.Signal(15);
        Assert.Equal(0, await host.WaitForExitAsync(Patience));
    }

    private static async Task<(int Smtp, int Pop3)> ListenersAsync(HostProcess host)
    {
        Assert.True(await host.WaitForOutputAsync("POP3 listening on", Patience), host.Stdout + host.Stderr);
        Assert.True(await host.WaitForOutputAsync("SMTP listening on", Patience), host.Stdout + host.Stderr);
        return (int.Parse(SmtpLine().Match(host.Stdout).Groups[1].Value), int.Parse(Pop3Line().Match(host.Stdout).Groups[1].Value));
    }

    private static async Task SwaksAsync(int port, string user, string password, string number, string text)
    {
        var (code, stdout, stderr) = await Tool.RunAsync("swaks",
        [
            "--server", "127.0.0.1", "--port", port.ToString(), "--auth-user", user, "--auth-password", password,
            "--from", $"{user}@sms.example.net", "--to", $"{number}@sms.example.net",
            "--header", "Subject: quick start", "--header", "Content-Type: text/plain; charset=utf-8", "--body", text, "--timeout", "30",
        ]);
        Assert.True(code == 0, $"swaks exit {code}:\n{stdout}{stderr}");
        Assert.Contains("queued as SMS job", stdout);
    }

    /// <summary>Runs the phone verb's inbox until it lists <paramref name="count"/> messages.</summary>
    private static async Task<IReadOnlyList<JsonElement>> PhoneInboxAsync(string[] args, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var (code, stdout, stderr) = await HostProcess.RunAsync(args);
            Assert.True(code == 0, stdout + stderr);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            if (lines.Length >= count) return lines;
            Assert.True(deadline.Elapsed < Patience, $"the phone holds {lines.Length} SMS, not {count}");
            await Task.Delay(200);
        }
    }

    /// <summary>Fetches with mpop (deleting on the server) until the mbox holds <paramref name="text"/>; returns the mbox.</summary>
    private static async Task<string> MpopUntilAsync(int port, string user, string password, string text)
    {
        var mpop = new Mpop(port, user, password);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var downloaded = await mpop.FetchAsync();
            if (downloaded.Contains(text)) return downloaded;
            Assert.True(deadline.Elapsed < Patience, $"no \"{text}\" over POP3; mbox:\n{downloaded}");
            await Task.Delay(200);
        }
    }

    [GeneratedRegex(@"SMTP listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex SmtpLine();

    [GeneratedRegex(@"POP3 listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Pop3Line();
}

using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Tests.Modem.Virtual;
using Gateway.Tests.Support;
using MailKit.Net.Pop3;
using MailKit.Security;
using Xunit;

namespace Gateway.Tests.Routing.Incoming;

/// <summary>
/// The real host executable driving modems of a separate modemsim process over TCP (so the SIMs
/// outlive the gateway), killed with SIGKILL in the middle of delivering an SMS and started again
/// on the same SQLite file: the SMS reaches the mailbox exactly once and leaves the SIM.
/// </summary>
public partial class IncomingRestartTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string Sim = "+420600000001";

    [GeneratedRegex(@"POP3 listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();

    private static string Config(string dir, int modemPort, int maxMessages) => $$"""
        gateway {
          log.level = info
          storage.connection-string = "Data Source={{Path.Combine(dir, "data", "gateway.db")}}"
          cluster { hostname = "127.0.0.1", port = 0 }
          mail {
            smtp.listen = []
            pop3.listen = [ { host = "127.0.0.1", port = 0, tls = none } ]
            mailbox.max-messages = {{maxMessages}}
          }
          users { alice { password-hash = "{{TestSettings.AliceHash}}" } }
          sms-groups { office { } }
          modules { gsm-1 { node = "node-a", group = office, transport = tcp, host = "127.0.0.1", port = {{modemPort}} } }
          modem { store-confirm-timeout = 2s, health-interval = 2s, reopen-backoff-min = 200ms, reopen-backoff-max = 1s }
          routing {
            outgoing = []
            incoming = [ { group = office, action = deliver, user = alice } ]
            delivery-retry-min = 200ms
            delivery-retry-max = 1s
          }
        }
        """;

    private static async Task<(HostProcess Process, IPEndPoint Pop3)> StartGatewayAsync(string config, string dir)
    {
        var process = HostProcess.Start(["run", "--config", config], dir);
        Assert.True(await process.WaitForOutputAsync("POP3 listening on", Patience), process.Stdout + process.Stderr);
        var port = int.Parse(ListeningLine().Match(process.Stdout + process.Stderr).Groups[1].Value);
        return (process, new IPEndPoint(IPAddress.Loopback, port));
    }

    private static async Task<List<string>> TextsAsync(IPEndPoint pop3, int? delete = null)
    {
        using var client = new Pop3Client();
        await client.ConnectAsync("127.0.0.1", pop3.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync("alice", TestSettings.AlicePassword);
        var texts = new List<string>();
        for (var i = 0; i < client.Count; i++) texts.Add((await client.GetMessageAsync(i)).TextBody.TrimEnd());
        if (delete is { } index) await client.DeleteMessageAsync(index);
        await client.DisconnectAsync(true);
        return texts;
    }

    private static async Task<List<string>> AwaitTextsAsync(IPEndPoint pop3, Func<List<string>, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        List<string> texts = [];
        while (DateTime.UtcNow < deadline)
        {
            // The first log-in after a start may find the node still starting: try again.
            try { texts = await TextsAsync(pop3); }
            catch (Exception e) when (e is Pop3ProtocolException or Pop3CommandException or MailKit.Security.AuthenticationException or IOException) { }
            if (done(texts)) return texts;
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"alice's mailbox holds [{string.Join(", ", texts)}]");
    }

    private static async Task<int> StoredOnSimAsync(ControlClient control)
    {
        var (reply, _) = await control.CommandAsync("STATUS " + Sim);
        Assert.StartsWith("OK {", reply);
        return JsonDocument.Parse(reply[3..]).RootElement.GetProperty("stored").GetInt32();
    }

    private static async Task AwaitSimAsync(ControlClient control, int stored)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (await StoredOnSimAsync(control) != stored)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the SIM does not hold {stored} SMS");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task An_SMS_on_the_SIM_survives_SIGKILL_before_and_after_it_was_stored_and_is_delivered_exactly_once()
    {
        var dir = Directory.CreateTempSubdirectory("gw-incoming-restart-").FullName;
        await using var modems = await ModemSim.StartAsync("--modems", "1", "--port", "0", "--control-port", "0");
        await using var control = await ControlClient.ConnectAsync(modems.Control!);
        var config = Path.Combine(dir, "gateway.conf");

        // One message in alice's mailbox fills it (max-messages = 1).
        await File.WriteAllTextAsync(config, Config(dir, modems.Modems[0].Endpoint.Port, maxMessages: 1));
        var (first, pop3) = await StartGatewayAsync(config, dir);
        await using (first)
        {
            Assert.StartsWith("OK", (await control.CommandAsync($"SEND +420777123456 {Sim} first")).Reply);
            Assert.Equal(["first"], await AwaitTextsAsync(pop3, t => t.Count == 1));
            await AwaitSimAsync(control, 0);

            // The second SMS reaches the SIM and the router, but the full mailbox refuses it: it stays on the SIM.
            Assert.StartsWith("OK", (await control.CommandAsync($"SEND +420777123456 {Sim} second")).Reply);
            Assert.True(await first.WaitForOutputAsync("the mailbox is full", Patience), first.Stdout);
            Assert.Equal(1, await StoredOnSimAsync(control));

            // Killed before it was stored.
            first.Signal(9);
            await first.WaitForExitAsync(Patience);
        }

        // Room for two: after the restart the module lists the SIM and the SMS is stored, once.
        await File.WriteAllTextAsync(config, Config(dir, modems.Modems[0].Endpoint.Port, maxMessages: 2));
        var (second, pop3Again) = await StartGatewayAsync(config, dir);
        await using (second)
        {
            Assert.Equal(["first", "second"], await AwaitTextsAsync(pop3Again, t => t.Count == 2));
            await AwaitSimAsync(control, 0);

            // A third SMS waits on the SIM (full again); then the modem disappears, and space is made:
            // the SMS is stored, but its SIM copy cannot be deleted while the modem is gone.
            Assert.StartsWith("OK", (await control.CommandAsync($"SEND +420777123456 {Sim} third")).Reply);
            Assert.True(await second.WaitForOutputAsync("the mailbox is full", Patience), second.Stdout);
            Assert.StartsWith("OK", (await control.CommandAsync($"FAULT {Sim} gone")).Reply);
            Assert.True(await second.WaitForOutputAsync("gsm-1: down", Patience), second.Stdout);
            await TextsAsync(pop3Again, delete: 0);
            Assert.Equal(["second", "third"], await AwaitTextsAsync(pop3Again, t => t.Contains("third")));
            Assert.Equal(1, await StoredOnSimAsync(control));

            // Killed after it was stored and before the SIM copy was deleted.
            second.Signal(9);
            await second.WaitForExitAsync(Patience);
        }

        Assert.StartsWith("OK", (await control.CommandAsync($"FAULT {Sim} clear")).Reply);
        var (third, pop3Last) = await StartGatewayAsync(config, dir);
        await using (third)
        {
            // The module offers the SMS again; the mailbox knows its delivery id and stores nothing new.
            await AwaitSimAsync(control, 0);
            Assert.Equal(["second", "third"], await TextsAsync(pop3Last));
            third.Signal(15);
            Assert.Equal(0, await third.WaitForExitAsync(Patience));
        }
    }
}

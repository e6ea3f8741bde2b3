using System.Net;
using System.Text.RegularExpressions;
using Gateway.Configuration;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Mail.Pop3;

/// <summary>The real host executable, killed with SIGKILL and restarted on the same SQLite file.</summary>
public partial class Pop3RestartTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [GeneratedRegex(@"POP3 listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();

    private static async Task<IPEndPoint> Pop3EndpointAsync(HostProcess process)
    {
        Assert.True(await process.WaitForOutputAsync("POP3 listening on", StartTimeout), process.Stdout + process.Stderr);
        return new IPEndPoint(IPAddress.Loopback, int.Parse(ListeningLine().Match(process.Stdout + process.Stderr).Groups[1].Value));
    }

    private static async Task<RawPop3> LogInAsync(IPEndPoint endpoint)
    {
        // The first log-in after a start may wait for the cluster to come up; the mailbox timeout covers it.
        var raw = await RawPop3.ConnectAsync(endpoint);
        Assert.StartsWith("+OK", await raw.ReadLineAsync());
        var reply = await raw.LogInAsync("alice", TestSettings.AlicePassword);
        Assert.True(reply.StartsWith("+OK"), reply);
        return raw;
    }

    private static async Task<List<string>> UidsAsync(RawPop3 raw)
    {
        Assert.StartsWith("+OK", await raw.CommandAsync("UIDL"));
        return (await raw.ReadMultiLineAsync()).Select(l => l.Split(' ')[1]).ToList();
    }

    [Fact]
    public async Task Deletions_committed_by_QUIT_survive_SIGKILL_and_uncommitted_ones_come_back()
    {
        var dir = Directory.CreateTempSubdirectory("gw-restart-").FullName;
        var config = Path.Combine(dir, "gateway.conf");
        await File.WriteAllTextAsync(config, $$"""
            gateway {
              log.level = info
              storage.connection-string = "Data Source={{Path.Combine(dir, "data", "gateway.db")}}"
              cluster { hostname = "127.0.0.1", port = 0 }
              mail {
                smtp.listen = []
                pop3.listen = [ { host = "127.0.0.1", port = 0, tls = none } ]
              }
              users { alice { password-hash = "{{TestSettings.AliceHash}}" } }
              sms-groups { operator-a { selection = least-busy } }
              modules {}
              routing { outgoing = [], incoming = [] }
            }
            """);
        var settings = HoconFile.LoadSettings(config);
        Assert.True(settings.IsValid, string.Join("\n", settings.Errors));

        // Five SMS stored through the real mailbox by a node in this process, which then stops.
        var uids = new List<string>();
        await using (var filler = await GatewayNode.StartAsync(settings.Settings!))
            for (var i = 1; i <= 5; i++) uids.Add(await filler.DeliverAsync("alice", $"SMS number {i}"));

        await using (var first = HostProcess.Start(["run", "--config", config], dir))
        {
            var pop3 = await Pop3EndpointAsync(first);
            await using (var quitting = await LogInAsync(pop3))
            {
                Assert.Equal(uids, await UidsAsync(quitting));
                Assert.StartsWith("+OK", await quitting.CommandAsync("DELE 1"));
                Assert.StartsWith("+OK", await quitting.CommandAsync("DELE 2"));
                Assert.Equal("+OK sms-gateway signing off (2 messages deleted)", await quitting.CommandAsync("QUIT"));
            }
            var dropped = await LogInAsync(pop3);
            Assert.Equal(uids[2..], await UidsAsync(dropped));
            Assert.StartsWith("+OK", await dropped.CommandAsync("DELE 1"));
            Assert.StartsWith("+OK", await dropped.CommandAsync("DELE 3"));
            first.Signal(9); // SIGKILL while the session holds the lock with two messages marked deleted
            Assert.Equal(137, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.True(await dropped.ClosedByServerAsync());
            await dropped.DisposeAsync();
        }

        await using var second = HostProcess.Start(["run", "--config", config], dir);
        await using var after = await LogInAsync(await Pop3EndpointAsync(second));
        Assert.Equal(uids[2..], await UidsAsync(after));
        Assert.StartsWith("+OK", await after.CommandAsync("RETR 3"));
        Assert.Contains("SMS number 5", string.Join("\n", await after.ReadMultiLineAsync()));
        Assert.StartsWith("+OK", await after.CommandAsync("QUIT"));
    }
}

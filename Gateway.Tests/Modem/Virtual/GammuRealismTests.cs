using System.Text.Json;
using Xunit;

namespace Gateway.Tests.Modem.Virtual;

/// <summary>
/// The realism check: gammu, a common AT client, drives a modem of the modemsim verb through a
/// real pseudo-terminal (socat bridges the pty to the modem's TCP port). gammu must identify the
/// modem, send a long Unicode SMS and read the SMS virtual phones sent (getallsms, geteachsms), each time ending cleanly
/// (exit 0) well within the hang guard.
/// </summary>
public class GammuRealismTests
{
    private const string Phone = "+420777000123";
    private const string OtherPhone = "+420777000456";

    private static readonly TimeSpan GammuLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Gammu_identifies_the_modem_sends_a_long_Unicode_SMS_and_reads_an_injected_one()
    {
        await using var sim = await ModemSim.StartAsync("--modems", "2", "--port", "0", "--control-port", "0", "--latency", "20ms");
        Assert.Equal(2, sim.Modems.Count);
        var (_, number, endpoint) = sim.Modems[0];

        var dir = Directory.CreateTempSubdirectory("gw-gammu-").FullName;
        var device = Path.Combine(dir, "modem");
        var gammurc = Path.Combine(dir, "gammurc");
        var gammuLog = Path.Combine(dir, "gammu.log");
        await File.WriteAllTextAsync(gammurc, $"[gammu]\ndevice = {device}\nconnection = at\nlogfile = {gammuLog}\nlogformat = textalldate\n");
        using var socat = Tool.Start("socat", $"pty,link={device},raw,echo=0", $"tcp:{endpoint}");
        try
        {
            await Tool.WaitForFileAsync(device);

            var identify = await GammuAsync(gammurc, gammuLog, "--identify");
            Assert.Matches(@"Manufacturer\s+: Gateway", identify);
            Assert.Matches(@"Model\s+: .*Virtual GSM Modem", identify);
            Assert.Matches(@"IMEI\s+: \d{15}", identify);
            Assert.Matches(@"SIM IMSI\s+: 00101\d{10}", identify);

            // Long Unicode: UCS2 in at least three concatenated parts, reassembled on the phone.
            var text = string.Concat(Enumerable.Repeat("Příliš žluťoučký kůň úpěl ďábelské ódy – ", 6)).TrimEnd(' ', '–');
            await GammuAsync(gammurc, gammuLog, "sendsms", "TEXT", Phone, "-len", "400", "-unicode", "-text", text);
            await using var control = await ControlClient.ConnectAsync(sim.Control!);
            var (reply, data) = await control.CommandAsync($"WAIT {Phone} 1 20s");
            Assert.Equal("OK 1 messages", reply);
            using (var got = JsonDocument.Parse(data.Single()))
            {
                Assert.Equal(number, got.RootElement.GetProperty("from").GetString());
                Assert.Equal(text, got.RootElement.GetProperty("text").GetString());
                Assert.Equal("ucs2", got.RootElement.GetProperty("coding").GetString());
                Assert.True(got.RootElement.GetProperty("parts").GetInt32() >= 3);
            }

            // A virtual phone writes to the SIM; gammu lists it from SIM storage.
            Assert.Equal("OK sent 1 part(s) ucs2", (await control.CommandAsync($"SEND {OtherPhone} {number} Ahoj, jak se máš? Odpověz prosím.")).Reply);
            Assert.Equal("OK sent 2 part(s) gsm7", (await control.CommandAsync($"SEND {OtherPhone} {number} {new string('x', 150)} and the end")).Reply);
            var inbox = await GammuAsync(gammurc, gammuLog, "getallsms");
            Assert.Contains($"Remote number        : \"{OtherPhone}\"", inbox);
            Assert.Contains("Coding               : Unicode (no compression)", inbox);
            Assert.Contains("\nAhoj, jak se máš? Odpověz prosím.\n", inbox);
            Assert.Matches(@"Concatenated \(linked\) message, ID \(8 bit\) \d+, part 1 of 2", inbox);
            Assert.Matches(@"Concatenated \(linked\) message, ID \(8 bit\) \d+, part 2 of 2", inbox);
            Assert.Contains("3 SMS parts in 3 SMS sequences", inbox);

            // geteachsms links the parts: the whole text in one piece.
            var linked = await GammuAsync(gammurc, gammuLog, "geteachsms");
            Assert.Contains("\n" + new string('x', 150) + " and the end\n", linked);
            Assert.Contains("3 SMS parts in 2 SMS sequences", linked);
        }
        finally
        {
            socat.Kill();
            await socat.WaitForExitAsync();
        }
    }

    /// <summary>Runs gammu under <c>timeout</c> (a hang fails, it never blocks CI) and expects exit 0.</summary>
    private static async Task<string> GammuAsync(string gammurc, string gammuLog, params string[] args)
    {
        var (code, stdout, stderr) = await Tool.RunAsync("timeout", [((int)GammuLimit.TotalSeconds).ToString(), "gammu", "-c", gammurc, .. args], GammuLimit + TimeSpan.FromSeconds(10));
        if (code != 0)
        {
            var log = File.Exists(gammuLog) ? await File.ReadAllTextAsync(gammuLog) : "(no log)";
            Assert.Fail($"gammu {string.Join(' ', args)} exited {code}{(code == 124 ? " (timed out)" : "")}\n{stdout}\n{stderr}\n--- gammu log (tail) ---\n{log[Math.Max(0, log.Length - 6000)..]}");
        }
        return stdout;
    }
}

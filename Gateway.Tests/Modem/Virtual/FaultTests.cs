using Gateway.Modem.Virtual;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static Gateway.Tests.Modem.Virtual.TestNetwork;

namespace Gateway.Tests.Modem.Virtual;

/// <summary>Fault injection on the modem's line. Faults on sends (error codes) are in <see cref="SmsThroughTheNetworkTests"/>.</summary>
public class FaultTests
{
    [Fact]
    public async Task A_silent_modem_takes_bytes_and_says_nothing_until_the_fault_is_cleared()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = new ModemLine(modem.Connect());
        Assert.Equal("AT\r\r\nOK\r\n", await line.CommandAsync("AT"));

        modem.Faults.Silent = true;
        var taken = modem.Status().BytesReceived;
        await line.SendAsync("AT+CGMI\r");
        modem.InjectUnsolicited("RING");
        await AtDialectTests.AwaitAsync(() => modem.Status().BytesReceived == taken + 8);
        modem.Faults.Silent = false;

        // Had the silent modem echoed, answered or written RING, it would come before this answer.
        Assert.Equal("AT+CGMM\r\r\nVirtual GSM Modem\r\n\r\nOK\r\n", await line.CommandAsync("AT+CGMM"));
        Assert.DoesNotContain("Gateway", line.Transcript);
        Assert.DoesNotContain("RING", line.Transcript);
    }

    [Fact]
    public async Task Disconnect_drops_the_line_and_the_modem_answers_again_on_reconnect()
    {
        var modem = Create().AddModem(Sim1);
        var stream = modem.Connect();
        await using var line = new ModemLine(stream);
        await line.CommandAsync("AT");

        modem.Faults.Disconnect();
        await line.ReadToEndAsync();
        Assert.True(line.Closed);
        await Assert.ThrowsAsync<IOException>(() => stream.WriteAsync("AT\r"u8.ToArray()).AsTask());

        await using var again = new ModemLine(modem.Connect());
        Assert.Equal("AT\r\r\nOK\r\n", await again.CommandAsync("AT"));
    }

    [Fact]
    public async Task A_gone_device_drops_its_line_and_cannot_be_opened_until_it_is_back()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = new ModemLine(modem.Connect());

        modem.Faults.Gone = true;
        await line.ReadToEndAsync();
        Assert.Throws<IOException>(() => modem.Connect());
        Assert.False(modem.Status().Registered);

        modem.Faults.Gone = false;
        await using var again = new ModemLine(modem.Connect());
        Assert.Equal("AT\r\r\nOK\r\n", await again.CommandAsync("AT"));
    }

    [Fact]
    public async Task Garbage_is_spewed_between_responses_and_the_modem_keeps_working()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        var before = line.Transcript.Length;

        modem.Faults.SpewGarbage(200, seed: 7);
        var expected = new byte[200];
        new Random(7).NextBytes(expected);
        await AtDialectTests.AwaitAsync(() => line.Transcript.Length >= before + 200);
        Assert.Equal(System.Text.Encoding.Latin1.GetString(expected), line.Transcript[before..(before + 200)]);

        await line.ReadUntilAsync(new System.Text.RegularExpressions.Regex("(?s).{200}"));
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT"));
    }

    [Fact]
    public async Task Slow_responses_come_only_after_the_set_delay()
    {
        var time = new FakeTimeProvider();
        var modem = Create(time).AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        await line.CommandAsync("ATE1");

        modem.Faults.ResponseDelay = TimeSpan.FromSeconds(5);
        await line.SendAsync("AT+CGMI\r");
        await line.ReadUntilAsync("AT+CGMI\r"); // the echo is not delayed: the command is being worked on
        var answer = line.ReadFinalAsync();
        var waited = await FakeTime.AdvanceUntilAsync(time, answer);
        Assert.True(waited >= TimeSpan.FromSeconds(5), $"answered after {waited} of fake time");
        Assert.Equal("\r\nGateway\r\n\r\nOK\r\n", await answer);
    }

    [Fact]
    public async Task Clear_ends_every_lasting_fault()
    {
        var modem = Create().AddModem(Sim1);
        modem.Faults.Silent = true;
        modem.Faults.NoNetwork = true;
        modem.Faults.ResponseDelay = TimeSpan.FromSeconds(1);
        modem.Faults.FailSends(AtError.Cms(500));
        Assert.True(modem.Faults.Snapshot().Any);

        modem.Faults.Clear();
        Assert.False(modem.Faults.Snapshot().Any);
        Assert.True(modem.Status().Registered);
        await using var line = await OpenQuietAsync(modem);
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT"));
    }
}

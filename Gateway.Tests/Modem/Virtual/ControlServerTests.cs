using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gateway.Modem.Virtual;
using Gateway.Modem.Virtual.Control;
using Xunit;
using static Gateway.Tests.Modem.Virtual.TestNetwork;

namespace Gateway.Tests.Modem.Virtual;

/// <summary>
/// The control line over a real loopback socket, read the way a script reads it: a reply line,
/// then as many data lines as an <c>OK &lt;n&gt; …</c> reply announces.
/// </summary>
public sealed class ControlClient : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly StreamReader _reader;
    private readonly Stream _stream;

    private ControlClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, Encoding.UTF8);
    }

    public static async Task<ControlClient> ConnectAsync(IPEndPoint endpoint, bool readGreeting = true)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(endpoint);
        var control = new ControlClient(client);
        if (readGreeting) Assert.Equal("OK " + ControlServer.Greeting, await control.ReadLineAsync());
        return control;
    }

    public Task SendRawAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    public async Task<string?> ReadLineAsync() => await _reader.ReadLineAsync().WaitAsync(ModemLine.HangGuard);

    /// <summary>Sends one command; returns the reply line and the data lines it announces.</summary>
    public async Task<(string Reply, List<string> Data)> CommandAsync(string line)
    {
        await SendRawAsync(Encoding.UTF8.GetBytes(line + "\n"));
        var reply = await ReadLineAsync() ?? throw new IOException("closed");
        var data = new List<string>();
        var words = reply.Split(' ');
        if (words is ["OK", var n, ..] && int.TryParse(n, out var count))
            for (var i = 0; i < count; i++) data.Add(await ReadLineAsync() ?? throw new IOException("closed"));
        return (reply, data);
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _client.Dispose();
        await Task.CompletedTask;
    }
}

public class ControlServerTests
{
    [Fact]
    public async Task HELP_lists_the_commands_and_unknown_ones_are_refused_without_closing()
    {
        await using var server = new ControlServer(Create());
        await using var client = await ControlClient.ConnectAsync(server.Start());

        var (reply, data) = await client.CommandAsync("HELP");
        Assert.Equal($"OK {ControlCommands.Help.Length} commands", reply);
        Assert.Contains(data, l => l.StartsWith("SEND <from> <sim> <text…>", StringComparison.Ordinal));
        Assert.StartsWith("ERR unknown command \"FROBNICATE\"", (await client.CommandAsync("FROBNICATE now")).Reply);
        Assert.StartsWith("ERR empty line", (await client.CommandAsync("")).Reply);
        Assert.Equal("OK 0 modems", (await client.CommandAsync("modems")).Reply);
    }

    [Fact]
    public async Task Faults_set_over_the_control_line_reach_the_modem_and_show_in_STATUS()
    {
        var network = Create();
        var modem = network.AddModem(Sim1);
        await using var server = new ControlServer(network);
        await using var client = await ControlClient.ConnectAsync(server.Start());

        Assert.StartsWith("OK", (await client.CommandAsync($"FAULT {Sim1} error 500 2")).Reply);
        Assert.Equal(AtError.Cms(500), modem.Faults.Snapshot().SendError);
        Assert.Equal(2, modem.Faults.Snapshot().SendErrorsLeft);
        Assert.StartsWith("OK", (await client.CommandAsync($"FAULT {Sim1} silence")).Reply);
        Assert.StartsWith("OK", (await client.CommandAsync($"FAULT {Sim1} slow 1500ms")).Reply);
        Assert.StartsWith("OK", (await client.CommandAsync($"FAULT {Sim1} no-network")).Reply);
        Assert.True(modem.Faults.Silent);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), modem.Faults.ResponseDelay);

        var (status, _) = await client.CommandAsync($"STATUS {Sim1}");
        using var json = JsonDocument.Parse(status["OK ".Length..]);
        Assert.Equal(Sim1, json.RootElement.GetProperty("sim").GetString());
        Assert.False(json.RootElement.GetProperty("registered").GetBoolean());
        Assert.True(json.RootElement.GetProperty("faults").GetProperty("silent").GetBoolean());
        Assert.Equal("+CMS ERROR: 500", json.RootElement.GetProperty("faults").GetProperty("sendError").GetString());

        Assert.StartsWith("OK", (await client.CommandAsync($"FAULT {Sim1} clear")).Reply);
        Assert.False(modem.Faults.Snapshot().Any);

        Assert.StartsWith("OK", (await client.CommandAsync($"FAULT {Sim1} gone")).Reply);
        Assert.Throws<IOException>(() => modem.Connect());
        Assert.StartsWith("OK", (await client.CommandAsync($"FAULT {Sim1} clear")).Reply);

        Assert.StartsWith("OK", (await client.CommandAsync($"LATENCY {Sim1} 250ms")).Reply);
        Assert.Equal(TimeSpan.FromMilliseconds(250), modem.SendLatency);
        Assert.StartsWith("OK", (await client.CommandAsync("LATENCY all 2s")).Reply);
        Assert.Equal(TimeSpan.FromSeconds(2), network.SendLatency);
        Assert.StartsWith("OK status reports off", (await client.CommandAsync("REPORTS off 3s")).Reply);
        Assert.False(network.StatusReports);
        Assert.Equal(TimeSpan.FromSeconds(3), network.StatusReportDelay);
    }

    [Fact]
    public async Task Disconnect_garbage_and_unsolicited_lines_act_on_the_open_modem_line()
    {
        var network = Create();
        var modem = network.AddModem(Sim1);
        await using var server = new ControlServer(network);
        await using var client = await ControlClient.ConnectAsync(server.Start());
        await using var line = await OpenQuietAsync(modem);

        Assert.StartsWith("OK written", (await client.CommandAsync($"URC {Sim1} RING")).Reply);
        Assert.Equal("\r\nRING\r\n", await line.ReadUntilAsync("RING\r\n"));
        Assert.StartsWith("OK", (await client.CommandAsync($"FAULT {Sim1} garbage 10")).Reply);
        await AtDialectTests.AwaitAsync(() => line.Unread.Length >= 10);
        Assert.StartsWith("OK", (await client.CommandAsync($"FAULT {Sim1} disconnect")).Reply);
        await line.ReadToEndAsync();
        Assert.True(line.Closed);
    }

    [Theory]
    [InlineData("FAULT +420600000001 error", "ERR usage: FAULT <sim> error <code 0-999> [count]")]
    [InlineData("FAULT +420600000001 error 500 0", "ERR count must be a whole number from 1")]
    [InlineData("FAULT +420600000001 melt", "ERR unknown fault \"melt\"")]
    [InlineData("FAULT +420699999999 silence", "ERR no virtual modem has SIM number \"+420699999999\"")]
    [InlineData("FAULT +420600000001 slow forever", "ERR usage: FAULT <sim> slow")]
    [InlineData("STATUS", "ERR usage: STATUS <sim>")]
    [InlineData("INBOX not-a-number", "ERR \"not-a-number\" is not an E.164 number")]
    [InlineData("SEND +420777000001", "ERR usage: SEND <from> <sim> <text…>")]
    [InlineData("SEND This-is-far-too-long +420600000001 hi", "ERR \"This-is-far-too-long\" is neither an E.164 number nor an alphanumeric sender")]
    [InlineData("SEND +420777000001 +420600000001 bad \\q escape", "ERR unknown escape \\q")]
    [InlineData("WAIT +420777000001 0", "ERR usage: WAIT <phone> <count> [timeout]")]
    [InlineData("WAIT +420777000001 1 10m", "ERR timeout must be a duration up to 5m")]
    [InlineData("REPORTS maybe", "ERR usage: REPORTS on|off [delay]")]
    [InlineData("OUTCOME +420777000001 lost", "ERR usage: OUTCOME <number> delivered|failed")]
    [InlineData("LATENCY +420600000001", "ERR usage: LATENCY <sim|all> <duration>")]
    [InlineData("URC +420600000001", "ERR usage: URC <sim> <line…>")]
    public async Task Bad_commands_get_an_ERR_that_says_what_is_wrong(string command, string expected)
    {
        var network = Create();
        network.AddModem(Sim1);
        await using var server = new ControlServer(network);
        await using var client = await ControlClient.ConnectAsync(server.Start());

        Assert.StartsWith(expected, (await client.CommandAsync(command)).Reply);
        Assert.Equal("OK 1 modems", (await client.CommandAsync("MODEMS")).Reply); // still serving
    }

    [Fact]
    public async Task An_over_long_line_is_refused_and_the_connection_keeps_working()
    {
        var network = Create();
        network.AddModem(Sim1);
        await using var server = new ControlServer(network, new ControlServerOptions(MaxLineBytes: 100));
        await using var client = await ControlClient.ConnectAsync(server.Start());

        // Longer than the limit in one line, and a line that never seems to end (sent in pieces).
        Assert.Equal("ERR line too long (at most 100 bytes)", (await client.CommandAsync("SEND +420777000001 +420600000001 " + new string('x', 500))).Reply);
        await client.SendRawAsync(Encoding.ASCII.GetBytes(new string('y', 300)));
        Assert.Equal("ERR line too long (at most 100 bytes)", await client.ReadLineAsync());
        await client.SendRawAsync(Encoding.ASCII.GetBytes(new string('y', 300) + "\n"));
        Assert.Equal("OK 1 modems", (await client.CommandAsync("MODEMS")).Reply);
    }

    [Fact]
    public async Task Bytes_that_are_not_UTF8_text_are_refused()
    {
        await using var server = new ControlServer(Create());
        await using var client = await ControlClient.ConnectAsync(server.Start());

        await client.SendRawAsync([0xFF, 0xFE, 0x80, (byte)'\n']);
        Assert.Equal("ERR the line is not UTF-8 text", await client.ReadLineAsync());
        await client.SendRawAsync([(byte)'H', 0x07, (byte)'\n']);
        Assert.StartsWith("ERR the line holds control characters", await client.ReadLineAsync());
        Assert.Equal("OK bye", (await client.CommandAsync("QUIT")).Reply);
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task Connections_beyond_the_limit_are_refused()
    {
        await using var server = new ControlServer(Create(), new ControlServerOptions(MaxConnections: 2));
        var endpoint = server.Start();
        await using var a = await ControlClient.ConnectAsync(endpoint);
        await using var b = await ControlClient.ConnectAsync(endpoint);
        await using (var c = await ControlClient.ConnectAsync(endpoint, readGreeting: false))
        {
            Assert.Equal("ERR too many connections (at most 2)", await c.ReadLineAsync());
            Assert.Null(await c.ReadLineAsync());
        }
        Assert.Equal("OK 0 modems", (await a.CommandAsync("MODEMS")).Reply);

        await a.DisposeAsync();
        await AtDialectTests.AwaitAsync(() => server.OpenConnections < 2);
        await using var d = await ControlClient.ConnectAsync(endpoint);
        Assert.Equal("OK 0 modems", (await d.CommandAsync("MODEMS")).Reply);
    }

    [Fact]
    public async Task An_idle_connection_is_told_and_closed()
    {
        await using var server = new ControlServer(Create(), new ControlServerOptions(IdleTimeout: TimeSpan.FromMilliseconds(200)));
        await using var client = await ControlClient.ConnectAsync(server.Start());
        Assert.Equal("ERR idle for 200ms; closing", await client.ReadLineAsync());
        Assert.Null(await client.ReadLineAsync());
    }
}

using System.Net;
using System.Net.Sockets;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Modem.Virtual;

/// <summary>The modemsim verb as an operator runs it: the host executable in its own process.</summary>
public class ModemSimVerbTests
{
    [Fact]
    public async Task Modemsim_puts_modem_i_on_port_P_plus_i_with_number_base_plus_i_and_stops_on_SIGTERM()
    {
        var port = TwoFreePorts();
        await using var sim = await ModemSim.StartAsync("--modems", "2", "--port", port.ToString(), "--number-base", "+420601000010", "--pin", "4321");

        Assert.Equal(
            [("gsm-1", "+420601000010", new IPEndPoint(IPAddress.Loopback, port)), ("gsm-2", "+420601000011", new IPEndPoint(IPAddress.Loopback, port + 1))],
            sim.Modems);
        Assert.Null(sim.Control);

        using var client = new TcpClient();
        await client.ConnectAsync(sim.Modems[1].Endpoint);
        await using var line = new ModemLine(client.GetStream());
        Assert.Equal("AT+CPIN?\r\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n", await line.CommandAsync("AT+CPIN?"));
        Assert.Equal("AT+CPIN=\"4321\"\r\r\nOK\r\n", await line.CommandAsync("AT+CPIN=\"4321\""));
        Assert.Equal("\r\nSMS Ready\r\n", await line.ReadUntilAsync("SMS Ready\r\n"));
        Assert.Equal("AT+CNUM\r\r\n+CNUM: \"\",\"+420601000011\",145\r\n\r\nOK\r\n", await line.CommandAsync("AT+CNUM"));

        sim.Process.Signal(15);
        Assert.Equal(0, await sim.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Port_0_picks_free_ports_and_the_control_line_answers()
    {
        await using var sim = await ModemSim.StartAsync("--modems", "3", "--port", "0", "--control-port", "0");
        Assert.Equal(3, sim.Modems.Select(m => m.Endpoint.Port).Distinct().Count());
        Assert.Equal(["+420600000001", "+420600000002", "+420600000003"], sim.Modems.Select(m => m.Number));

        await using var control = await ControlClient.ConnectAsync(sim.Control!);
        var (reply, data) = await control.CommandAsync("MODEMS");
        Assert.Equal("OK 3 modems", reply);
        Assert.Contains("\"sim\":\"+420600000003\"", data[2]);

        sim.Process.Signal(2);
        Assert.Equal(0, await sim.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData("--modems", "0")]
    [InlineData("--port", "65535", "--modems", "2")]
    [InlineData("--number-base", "123")]
    [InlineData("--latency", "fast")]
    [InlineData("--pin", "12")]
    [InlineData("--capacity", "0")]
    [InlineData("--frobnicate")]
    public async Task Bad_options_are_usage_errors(params string[] args)
    {
        var (code, _, stderr) = await HostProcess.RunAsync(["modemsim", .. args]);
        Assert.Equal(2, code);
        Assert.Contains("usage: Gateway.Host modemsim", stderr);
    }

    /// <summary>Asks the OS for a port P such that P and P+1 are both free now.</summary>
    private static int TwoFreePorts()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            try
            {
                if (port >= 65535) continue;
                var second = new TcpListener(IPAddress.Loopback, port + 1);
                try
                {
                    second.Start();
                    second.Stop();
                    return port;
                }
                catch (SocketException) { }
            }
            finally { first.Stop(); }
        }
        throw new InvalidOperationException("no two consecutive free ports");
    }
}

using System.Net;
using System.Net.Sockets;
using Gateway.Modem.Virtual;
using Xunit;
using static Gateway.Tests.Modem.Virtual.TestNetwork;

namespace Gateway.Tests.Modem.Virtual;

/// <summary>The modems on TCP ports, ser2net style, driven through real loopback sockets.</summary>
public class VirtualModemServerTests
{
    private static async Task<ModemLine> DialAsync(IPEndPoint endpoint)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(endpoint);
        return new ModemLine(client.GetStream());
    }

    [Fact]
    public async Task Each_modem_gets_its_own_port_and_speaks_the_same_bytes_as_in_memory()
    {
        var network = Create();
        await using var server = new VirtualModemServer();
        var first = server.Expose(network.AddModem(Sim1));
        var second = server.Expose(network.AddModem(Sim2));
        Assert.NotEqual(first.Port, second.Port);
        Assert.Equal(IPAddress.Loopback, first.Address);

        await using var a = await DialAsync(first);
        await using var b = await DialAsync(second);
        Assert.Equal("AT\r\r\nOK\r\n", await a.CommandAsync("AT"));
        Assert.Equal($"AT+CNUM\r\r\n+CNUM: \"\",\"{Sim2}\",145\r\n\r\nOK\r\n", await b.CommandAsync("AT+CNUM"));
        Assert.Equal($"AT+CNUM\r\r\n+CNUM: \"\",\"{Sim1}\",145\r\n\r\nOK\r\n", await a.CommandAsync("AT+CNUM"));
    }

    [Fact]
    public async Task A_second_client_is_turned_away_while_one_is_attached_and_welcome_after_it_leaves()
    {
        var network = Create();
        var modem = network.AddModem(Sim1);
        await using var server = new VirtualModemServer();
        var endpoint = server.Expose(modem);

        var first = await DialAsync(endpoint);
        Assert.Equal("AT\r\r\nOK\r\n", await first.CommandAsync("AT"));
        await using (var second = await DialAsync(endpoint))
        {
            Assert.Equal("", await second.ReadToEndAsync()); // closed at once: port in use
        }
        Assert.Equal("AT\r\r\nOK\r\n", await first.CommandAsync("AT"));

        await first.DisposeAsync();
        await AtDialectTests.AwaitAsync(() => !modem.IsConnected);
        await using var third = await DialAsync(endpoint);
        Assert.Equal("AT\r\r\nOK\r\n", await third.CommandAsync("AT"));
    }

    [Fact]
    public async Task A_disconnect_fault_closes_the_TCP_connection_and_a_gone_modem_refuses_new_ones()
    {
        var network = Create();
        var modem = network.AddModem(Sim1);
        await using var server = new VirtualModemServer();
        var endpoint = server.Expose(modem);

        await using var line = await DialAsync(endpoint);
        await line.CommandAsync("AT");
        modem.Faults.Disconnect();
        await line.ReadToEndAsync();
        Assert.True(line.Closed);

        modem.Faults.Gone = true;
        await using (var refused = await DialAsync(endpoint))
            Assert.Equal("", await refused.ReadToEndAsync());

        modem.Faults.Gone = false;
        await using var back = await DialAsync(endpoint);
        Assert.Equal("AT\r\r\nOK\r\n", await back.CommandAsync("AT"));
    }

    [Fact]
    public async Task Disposing_the_server_closes_its_ports_and_clients()
    {
        var network = Create();
        var server = new VirtualModemServer();
        var endpoint = server.Expose(network.AddModem(Sim1));
        await using var line = await DialAsync(endpoint);
        await line.CommandAsync("AT");

        await server.DisposeAsync();
        await line.ReadToEndAsync();
        using var client = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(endpoint));
    }

    [Fact]
    public async Task Exposing_a_taken_port_or_the_same_modem_twice_is_refused()
    {
        var network = Create();
        await using var server = new VirtualModemServer();
        var endpoint = server.Expose(network.AddModem(Sim1));
        Assert.Throws<InvalidOperationException>(() => server.Expose(network.AddModem(Sim1)));
        Assert.Throws<SocketException>(() => server.Expose(network.AddModem(Sim2), endpoint.Port));
    }
}

using System.Net;
using System.Net.Sockets;
using Gateway.Tests.Modem.Virtual;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Host;

public class VirtualNetworkControlLineTests
{
    [Fact]
    public async Task A_node_with_virtual_network_control_port_set_serves_the_control_line_over_its_own_virtual_SIMs()
    {
        var dir = Directory.CreateTempSubdirectory("gw-vnet-").FullName;
        var controlPort = TestEnvironment.FreePort();
        var config = Path.Combine(dir, "node.conf");
        await File.WriteAllTextAsync(config, $$"""
            gateway {
              storage.connection-string = "Data Source={{Path.Combine(dir, "gateway.db")}}"
              cluster.port = 0
              mail {
                smtp.listen = [ { host = "127.0.0.1", port = 0, tls = none } ]
                pop3.listen = [ { host = "127.0.0.1", port = 0, tls = none } ]
              }
              sms-groups { operator-a { selection = least-busy } }
              modules {
                gsm-1 { node = "node-a", group = operator-a, transport = virtual, number = "+420600000101", pin = "2468" }
                gsm-2 { node = "node-b", group = operator-a, transport = virtual, number = "+420600000102" }
              }
              virtual-network.control-port = {{controlPort}}
            }
            """);
        await using var host = HostProcess.Start(["run", "--config", config], workingDirectory: dir);

        var endpoint = new IPEndPoint(IPAddress.Loopback, controlPort);
        await using var control = await ConnectWhenListeningAsync(endpoint, host);
        var (reply, data) = await control.CommandAsync("MODEMS");
        // Only the module this node drives has a SIM here; its PIN from the configuration guards it.
        Assert.Equal("OK 1 modems", reply);
        Assert.Contains("\"sim\":\"+420600000101\"", data[0]);
        Assert.Contains("\"simLock\":\"pin-required\"", data[0]);
        Assert.StartsWith("ERR no virtual modem", (await control.CommandAsync("STATUS +420600000102")).Reply);

        host.Signal(15);
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    private static async Task<ControlClient> ConnectWhenListeningAsync(IPEndPoint endpoint, HostProcess host)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            try
            {
                return await ControlClient.ConnectAsync(endpoint);
            }
            catch (SocketException) when (!cts.IsCancellationRequested && !host.HasExited)
            {
                await Task.Delay(100, cts.Token);
            }
            catch (SocketException e)
            {
                throw new InvalidOperationException($"the node never opened its control line: {e.Message}\n{host.Stdout}\n{host.Stderr}");
            }
        }
    }
}

using System.Net;
using System.Net.Sockets;
using Gateway.Tests.Modem.Support;
using Gateway.Tests.Modem.Virtual;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Host;

public class ModemHostingTests
{
    private static string NodeConfig(string dir, string modules) => $$"""
        gateway {
          node.name = "node-a"
          storage.connection-string = "Data Source={{dir}}/gateway.db"
          cluster.port = 0
          mail {
            smtp.listen = [ { host = "127.0.0.1", port = 0 } ]
            pop3.listen = [ { host = "127.0.0.1", port = 0 } ]
          }
          sms-groups { operator-a { } }
          modules {
            {{modules}}
          }
          routing { outgoing = [], incoming = [] }
        }
        """;

    [Fact]
    public async Task run_starts_a_GSM_module_for_each_local_module_and_logs_it_ready()
    {
        await using var modem = ScriptedModem.Start();
        var dir = Directory.CreateTempSubdirectory("gw-modem-host-").FullName;
        var config = Path.Combine(dir, "node.conf");
        await File.WriteAllTextAsync(config, NodeConfig(dir, $$"""
            gsm-tcp { node = "node-a", group = operator-a, transport = tcp, host = "127.0.0.1", port = {{modem.Port}} }
            gsm-elsewhere { node = "node-b", group = operator-a, transport = tcp, host = "127.0.0.1", port = 1 }
            """));

        await using var host = HostProcess.Start(["run", "--config", config]);
        Assert.True(await host.WaitForOutputAsync("gsm-tcp ready, registered, -73 dBm, operator \"Scripted GSM\"", TimeSpan.FromSeconds(60)),
            host.Stdout + host.Stderr);
        Assert.Contains("modem bank: 1 module(s): gsm-tcp (tcp://127.0.0.1:", host.Stdout);
        Assert.DoesNotContain("gsm-elsewhere", host.Stdout); // another node drives it

        host.Signal(15);
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task run_on_the_shipped_configuration_brings_both_virtual_modules_up_and_routes_a_received_SMS_by_its_rules()
    {
        // The shipped file, with its fixed ports and data folder moved aside so the test binds nothing fixed.
        var dir = Directory.CreateTempSubdirectory("gw-default-").FullName;
        var controlPort = TestEnvironment.FreePort();
        var config = await TestEnvironment.ShippedConfigAsync(dir, controlPort);
        await using var host = HostProcess.Start(["run", "--config", config], workingDirectory: dir);
        Assert.True(await host.WaitForOutputAsync("gsm-1 ready, registered", TimeSpan.FromSeconds(60)), host.Stdout + host.Stderr);
        Assert.True(await host.WaitForOutputAsync("gsm-2 ready, registered", TimeSpan.FromSeconds(60)), host.Stdout + host.Stderr);

        await using var control = await ControlClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, controlPort));
        Assert.StartsWith("OK", (await control.CommandAsync("SEND +420777123456 +420600000002 Hello gateway")).Reply);
        // No AutoCLIP record for the sender: the autoclip rule falls through to the drop rule, which keeps a record.
        Assert.True(await host.WaitForOutputAsync("SMS from +420777123456 on gsm-2 [gsm-2:1:", TimeSpan.FromSeconds(30)), host.Stdout);
        Assert.True(await host.WaitForOutputAsync("]: dropped (rule 1)", TimeSpan.FromSeconds(30)), host.Stdout);

        host.Signal(15);
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }
}

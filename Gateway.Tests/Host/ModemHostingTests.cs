using Gateway.Tests.Modem.Support;
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
}

using Gateway.Tests.Support;
using MailKit.Net.Pop3;
using MailKit.Security;
using Xunit;

namespace Gateway.Tests.Mail.Pop3;

/// <summary>Limits and policies that need their own node configuration.</summary>
public class Pop3LimitsTests
{
    [Fact]
    public async Task Connections_beyond_max_connections_are_refused_with_SYS_TEMP_and_closed()
    {
        await using var node = await GatewayNode.StartAsync(TestSettings.Gateway("gateway.log.level = error\ngateway.mail.pop3.max-connections = 2"));
        await using var first = await RawPop3.ConnectAsync(node.Pop3());
        await using var second = await RawPop3.ConnectAsync(node.Pop3());
        Assert.StartsWith("+OK", await first.ReadLineAsync());
        Assert.StartsWith("+OK", await second.ReadLineAsync());
        await using var third = await RawPop3.ConnectAsync(node.Pop3());
        Assert.Equal("-ERR [SYS/TEMP] too many connections; try again later", await third.ReadLineAsync());
        Assert.True(await third.ClosedByServerAsync());

        Assert.StartsWith("+OK", await first.CommandAsync("QUIT"));
        Assert.True(await first.ClosedByServerAsync());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true) // the slot frees once the first session has ended
        {
            await using var fourth = await RawPop3.ConnectAsync(node.Pop3());
            if ((await fourth.ReadLineAsync()).StartsWith("+OK")) break;
            Assert.True(DateTime.UtcNow < deadline, "the freed connection slot was never reused");
        }
    }

    [Fact]
    public async Task An_idle_connection_is_closed_and_what_it_marked_deleted_stays()
    {
        await using var node = await GatewayNode.StartAsync(TestSettings.Gateway("gateway.log.level = error\ngateway.mail.pop3.idle-timeout = 300ms"));
        await node.DeliverAsync("alice", "kept");
        await using var raw = await RawPop3.ConnectAsync(node.Pop3());
        await raw.ReadLineAsync();
        Assert.StartsWith("+OK", await raw.LogInAsync("alice", TestSettings.AlicePassword));
        Assert.StartsWith("+OK", await raw.CommandAsync("DELE 1"));
        Assert.Equal("-ERR [SYS/TEMP] disconnected for inactivity", await raw.ReadLineAsync());
        Assert.True(await raw.ClosedByServerAsync());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await node.StatusAsync("alice")).LockedBy is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the lock was not released");
            await Task.Delay(20);
        }
        Assert.Equal(1, (await node.StatusAsync("alice")).Messages);
    }

    [Fact]
    public async Task With_plaintext_auth_never_passwords_need_STLS_and_CAPA_does_not_offer_USER_before_it()
    {
        var cert = TestCertificates.CreatePkcs12();
        await using var node = await GatewayNode.StartAsync(TestSettings.Gateway($$"""
            gateway.log.level = error
            gateway.mail {
              allow-plaintext-auth = never
              pop3.listen = [ { host = "127.0.0.1", port = 0, tls = starttls } ]
              tls { certificate = "{{cert}}", password = "test-password" }
            }
            """));
        await using var raw = await RawPop3.ConnectAsync(node.Pop3());
        await raw.ReadLineAsync();
        await raw.SendAsync("CAPA\r\n");
        await raw.ReadLineAsync();
        var capabilities = await raw.ReadMultiLineAsync();
        Assert.Contains("STLS", capabilities);
        Assert.DoesNotContain("USER", capabilities);
        Assert.DoesNotContain("SASL PLAIN", capabilities);
        Assert.Equal("-ERR [AUTH] plaintext log-in is not allowed on this connection; use STLS first", await raw.CommandAsync("USER alice"));
        Assert.StartsWith("-ERR [AUTH] plaintext log-in is not allowed", await raw.CommandAsync("AUTH PLAIN"));

        using var client = new Pop3Client { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", node.Pop3().Port, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("alice", TestSettings.AlicePassword);
        Assert.Equal(0, client.Count);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task The_host_refuses_to_run_when_its_POP3_port_is_taken_and_names_it()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var dir = Directory.CreateTempSubdirectory("gw-port-").FullName;
        var config = Path.Combine(dir, "gateway.conf");
        await File.WriteAllTextAsync(config, $$"""
            gateway {
              storage.connection-string = "Data Source={{Path.Combine(dir, "gateway.db")}}"
              cluster.port = 0
              mail { smtp.listen = [], pop3.listen = [ { host = "127.0.0.1", port = {{port}}, tls = none } ] }
              modules {}
            }
            """);
        var (code, _, stderr) = await HostProcess.RunAsync(["run", "--config", config], workingDirectory: dir);
        Assert.Equal(1, code);
        Assert.Contains($"refusing to start: cannot listen for POP3 on 127.0.0.1:{port}", stderr);
    }

    [Fact]
    public async Task A_port_already_in_use_stops_the_node_from_starting_with_the_address_in_the_error()
    {
        await using var node = await GatewayNode.StartAsync(TestSettings.Gateway("gateway.log.level = error"));
        var taken = node.Pop3().Port;
        var settings = TestSettings.Gateway($$"""
            gateway.log.level = error
            gateway.mail.pop3.listen = [ { host = "127.0.0.1", port = {{taken}}, tls = none } ]
            """);
        var error = await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => GatewayNode.StartAsync(settings));
        Assert.Contains($"127.0.0.1:{taken}", error.Message);
    }
}

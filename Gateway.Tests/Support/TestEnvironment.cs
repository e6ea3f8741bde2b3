using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.Support;

/// <summary>Where the repository is and which loopback port is free, for tests that start real processes.</summary>
public static class TestEnvironment
{
    /// <summary>The repository root: the nearest folder above the test binaries that holds Gateway.sln.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln"))) return dir.FullName;
        throw new InvalidOperationException("no Gateway.sln above the test binaries");
    }

    /// <summary>A file of the repository, e.g. <c>hocon/gateway.conf</c>.</summary>
    public static string RepoFile(string relative) => Path.Combine(RepoRoot(), relative);

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago (for a process that must be told its port).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Writes <c>node.conf</c> into <paramref name="dir"/>: the shipped <c>hocon/gateway.conf</c>, run as it
    /// is, with its data folder moved into <paramref name="dir"/> and its fixed ports moved aside (SMTP,
    /// POP3 and the cluster on ports the OS picks; the control line on <paramref name="controlPort"/>),
    /// so a test binds nothing fixed. Returns the file's path.
    /// </summary>
    public static async Task<string> ShippedConfigAsync(string dir, int controlPort)
    {
        var config = Path.Combine(dir, "node.conf");
        await File.WriteAllTextAsync(config, $$"""
            include "{{RepoFile("hocon/gateway.conf")}}"
            gateway {
              storage.connection-string = "Data Source={{dir}}/gateway.db"
              cluster.port = 0
              mail.smtp.listen = [ { host = "127.0.0.1", port = 0 } ]
              mail.pop3.listen = [ { host = "127.0.0.1", port = 0 } ]
              virtual-network.control-port = {{controlPort}}
            }
            """);
        return config;
    }
}

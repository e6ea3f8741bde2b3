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
}

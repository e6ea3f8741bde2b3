using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Tests.Support;

namespace Gateway.ClusterLoad;

/// <summary>Waiting on the Gateway.Host processes of the bench (the tests' <see cref="HostProcess"/>, linked in).</summary>
public static class HostOutput
{
    /// <summary>Waits until <paramref name="text"/> is in the process's output; returns its output, or fails with it.</summary>
    public static async Task<string> WaitForAsync(this HostProcess process, string text, double seconds = 120)
    {
        if (await process.WaitForOutputAsync(text, TimeSpan.FromSeconds(seconds))) return process.Stdout;
        var why = process.HasExited ? "it exited first" : $"not within {seconds} s";
        throw new TimeoutException($"no \"{text}\" ({why}):\n{process.Stdout}{process.Stderr}");
    }
}

/// <summary>The virtual network's control line: one command, its reply line and the data lines it announces.</summary>
public static class Control
{
    public static async Task<List<string>> CommandAsync(IPEndPoint endpoint, string line)
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(endpoint);
        using var reader = new StreamReader(tcp.GetStream(), Encoding.UTF8);
        await reader.ReadLineAsync(); // greeting
        await tcp.GetStream().WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        var reply = await reader.ReadLineAsync() ?? throw new IOException("control line closed");
        if (!reply.StartsWith("OK", StringComparison.Ordinal)) throw new InvalidOperationException($"{line}: {reply}");
        var data = new List<string>();
        if (reply.Split(' ') is [_, var n, ..] && int.TryParse(n, out var count))
            for (var i = 0; i < count; i++) data.Add(await reader.ReadLineAsync() ?? throw new IOException("control line closed"));
        return data;
    }
}

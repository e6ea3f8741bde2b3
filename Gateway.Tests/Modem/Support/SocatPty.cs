using System.Diagnostics;

namespace Gateway.Tests.Modem.Support;

/// <summary>
/// A Linux pseudo-terminal bridged to a TCP port by socat (<c>socat pty,link=…,raw,echo=0
/// tcp:127.0.0.1:PORT</c>): the driver opens <see cref="Device"/> with System.IO.Ports as if it
/// were a USB modem, and every byte goes to and from the modem listening on the port.
/// Disposing (or <see cref="Kill"/>) ends socat, which removes the device: the modem "unplugged".
/// </summary>
public sealed class SocatPty : IAsyncDisposable
{
    private readonly Process _socat;

    private SocatPty(Process socat, string device)
    {
        _socat = socat;
        Device = device;
    }

    public string Device { get; }

    /// <summary>Starts socat and waits until the device link exists.</summary>
    public static async Task<SocatPty> StartAsync(int tcpPort, string? device = null)
    {
        device ??= Path.Combine(Directory.CreateTempSubdirectory("gw-pty-").FullName, "modem");
        var info = new ProcessStartInfo("socat")
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add($"pty,link={device},raw,echo=0");
        info.ArgumentList.Add($"tcp:127.0.0.1:{tcpPort}");
        var socat = Process.Start(info) ?? throw new InvalidOperationException("cannot start socat");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!File.Exists(device))
        {
            if (socat.HasExited) throw new InvalidOperationException($"socat ended: {await socat.StandardError.ReadToEndAsync()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("socat did not create the pty");
            await Task.Delay(20);
        }
        return new SocatPty(socat, device);
    }

    /// <summary>Ends socat at once (SIGKILL): the pty vanishes under the driver.</summary>
    public async Task Kill()
    {
        if (_socat.HasExited) return;
        _socat.Kill();
        await _socat.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Kill();
        _socat.Dispose();
    }
}

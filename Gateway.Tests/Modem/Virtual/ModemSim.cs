using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Modem.Virtual;

/// <summary>The modemsim verb running as its own process (the real host executable), with the addresses it printed.</summary>
public sealed partial class ModemSim : IAsyncDisposable
{
    private ModemSim(HostProcess process, IReadOnlyList<(string Name, string Number, IPEndPoint Endpoint)> modems, IPEndPoint? control)
    {
        Process = process;
        Modems = modems;
        Control = control;
    }

    public HostProcess Process { get; }

    public IReadOnlyList<(string Name, string Number, IPEndPoint Endpoint)> Modems { get; }

    public IPEndPoint? Control { get; }

    public static async Task<ModemSim> StartAsync(params string[] args)
    {
        var process = HostProcess.Start(["modemsim", .. args]);
        if (!await process.WaitForOutputAsync("ready", TimeSpan.FromSeconds(60)))
        {
            var output = process.Stdout + process.Stderr;
            await process.DisposeAsync();
            throw new InvalidOperationException("modemsim did not start: " + output);
        }
        var modems = ModemLine().Matches(process.Stdout)
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value, IPEndPoint.Parse(m.Groups[3].Value)))
            .ToList();
        var control = ControlLine().Match(process.Stdout);
        return new ModemSim(process, modems, control.Success ? IPEndPoint.Parse(control.Groups[1].Value) : null);
    }

    [GeneratedRegex(@"^(gsm-\d+) (\+\d+) (127\.0\.0\.1:\d+)$", RegexOptions.Multiline)]
    private static partial Regex ModemLine();

    [GeneratedRegex(@"^control (127\.0\.0\.1:\d+)$", RegexOptions.Multiline)]
    private static partial Regex ControlLine();

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}

/// <summary>Runs an external program (gammu, socat) the way a shell does, with a hang guard.</summary>
public static class Tool
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish: {await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a long-running program; the caller kills it (by its own handle) when done.</summary>
    public static Process Start(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task WaitForFileAsync(string path)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!File.Exists(path))
        {
            try { await Task.Delay(20, cts.Token); }
            catch (OperationCanceledException) { Assert.Fail($"{path} did not appear"); }
        }
    }
}

using System.Runtime.InteropServices;
using Gateway.Configuration;
using Gateway.Host.Cli;
using Gateway.Modem.Virtual;
using Gateway.Modem.Virtual.Control;
using Gateway.Sms;
using Microsoft.Extensions.Logging;

namespace Gateway.Host.Verbs;

/// <summary>
/// <c>modemsim --modems N --port P [--number-base +420600000001] [--latency 100ms]
/// [--control-port C] [--pin 1234] [--capacity 30] [--trace]</c>: a stand-alone virtual modem bank.
/// Modem i (from 0) listens on 127.0.0.1:P+i with SIM number base+i (<c>--port 0</c>: free ports);
/// one line per modem is printed (<c>gsm-1 +420600000001 127.0.0.1:7100</c>), then
/// <c>control 127.0.0.1:C</c> if asked, then <c>ready</c>; it runs until SIGINT/SIGTERM.
/// </summary>
public static class ModemSimVerb
{
    public const string Usage =
        "modemsim [--modems N] [--port P] [--number-base +420600000001] [--latency 100ms] [--control-port C] [--pin 1234] [--capacity 30] [--trace]";

    public static async Task<int> RunAsync(Args args)
    {
        var modems = args.IntOption("--modems") ?? 1;
        var port = args.IntOption("--port") ?? 7100;
        var baseText = args.Option("--number-base") ?? "+420600000001";
        var latencyText = args.Option("--latency");
        var controlPort = args.IntOption("--control-port");
        var pin = args.Option("--pin");
        var capacity = args.IntOption("--capacity");
        var trace = args.Flag("--trace");
        args.RejectUnknown();

        if (modems is < 1 or > 1000) throw new UsageException("--modems must be 1 to 1000");
        if (port != 0 && (port < 1 || port + modems - 1 > 65535)) throw new UsageException($"--port {port} with {modems} modem(s) runs past port 65535");
        if (controlPort is < 0 or > 65535) throw new UsageException("--control-port must be 0 to 65535 (0 = a free port)");
        if (!PhoneNumber.TryParse(baseText, null, out var numberBase, out var numberError))
            throw new UsageException($"--number-base: {numberError!.Message}");
        var latency = VirtualNetworkSettings.Default.SendLatency;
        if (latencyText is not null && !ConfigValues.TryParseDuration(latencyText, out latency))
            throw new UsageException($"--latency must be a duration such as 100ms or 2s, not \"{latencyText}\"");
        if (pin is not null && (pin.Length is < 4 or > 8 || !pin.All(char.IsAsciiDigit))) throw new UsageException("--pin must be 4 to 8 digits");
        if (capacity is < 1 or > 255) throw new UsageException("--capacity must be 1 to 255");
        var numbers = Numbers(numberBase, modems);

        // Logs go to stderr so stdout carries only the lines scripts read; --trace logs every AT line.
        using var loggerFactory = LoggerFactory.Create(b => b
            .SetMinimumLevel(trace ? LogLevel.Debug : LogLevel.Warning)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            }));
        var log = loggerFactory.CreateLogger("modemsim");

        var network = new VirtualNetwork(VirtualNetworkSettings.Default with { SendLatency = latency }, log: log);
        await using var server = new VirtualModemServer(log);
        for (var i = 0; i < modems; i++)
        {
            var modem = network.AddModem(numbers[i], new VirtualSimOptions(pin, capacity));
            var endpoint = server.Expose(modem, port == 0 ? 0 : port + i);
            Console.WriteLine($"gsm-{i + 1} {modem.SimNumber} {endpoint}");
        }
        await using var control = new ControlServer(network, log: log);
        if (controlPort is { } c) Console.WriteLine($"control {control.Start(c)}");
        Console.WriteLine("ready");
        Console.Out.Flush();

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        await stop.Task;
        Console.Error.WriteLine("modemsim: stopping");
        return ExitCodes.Ok;
    }

    /// <summary>base, base+1, …: the subscriber part counts up; running past 15 digits is a usage error.</summary>
    private static List<string> Numbers(PhoneNumber numberBase, int count)
    {
        var first = ulong.Parse(numberBase.Digits);
        var result = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var digits = (first + (ulong)i).ToString();
            if (digits.Length > PhoneNumber.MaxDigits) throw new UsageException($"--number-base {numberBase} with {count} modems runs past 15 digits");
            result.Add("+" + digits);
        }
        return result;
    }
}

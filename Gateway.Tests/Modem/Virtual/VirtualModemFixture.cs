using Gateway.Configuration;
using Gateway.Modem.Virtual;

namespace Gateway.Tests.Modem.Virtual;

/// <summary>A virtual network with no latency and no report delay (tests shrink the timings), and helpers to open lines.</summary>
public static class TestNetwork
{
    public const string Sim1 = "+420600000001";
    public const string Sim2 = "+420600000002";
    public const string Phone1 = "+420777000001";

    public static VirtualNetwork Create(TimeProvider? time = null, int simCapacity = 30, TimeSpan? ackTimeout = null) =>
        new(VirtualNetworkSettings.Default with
        {
            SendLatency = TimeSpan.Zero,
            StatusReportDelay = TimeSpan.Zero,
            SimCapacity = simCapacity,
            AckTimeout = ackTimeout ?? TimeSpan.FromSeconds(30),
        }, time);

    /// <summary>Opens the modem's line and switches echo off so transcripts hold only what the modem says.</summary>
    public static async Task<ModemLine> OpenQuietAsync(VirtualModem modem)
    {
        var line = new ModemLine(modem.Connect());
        await line.CommandAsync("ATE0");
        return line;
    }
}

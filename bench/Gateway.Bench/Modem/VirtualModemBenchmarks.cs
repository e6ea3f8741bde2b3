using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Gateway.Configuration;
using Gateway.Modem.Virtual;
using Gateway.Sms;

namespace Gateway.Bench.Modem;

/// <summary>How the benchmark reaches the modems: their in-memory serial line, or TCP through <see cref="VirtualModemServer"/>.</summary>
public enum ModemTransport { InMemory, Tcp }

/// <summary>
/// What the virtual modem bank sustains when nothing but the simulator is in the way: 400
/// single-part SMS per invocation sent with AT+CMGS (command, prompt, PDU, <c>+CMGS</c>) by one
/// client per modem, spread over 1 or 4 modems, with no send latency. One "op" is one SMS, so
/// the ops/s column reads as SMS per second. The load and fault tests drive the gateway through
/// this bank: it must stay well ahead of the gateway's goal (an order of magnitude above
/// gammu-smsd's ~5.6 SMS/s on 4 modems).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(OpsPerSecond))]
public class VirtualModemBenchmarks
{
    public const int SmsPerInvocation = 400;

    [Params(ModemTransport.InMemory, ModemTransport.Tcp)]
    public ModemTransport Transport;

    [Params(1, 4)]
    public int Modems;

    private VirtualModemServer? _server;
    private BenchLine[] _lines = [];
    private (int Length, string Hex) _pdu;

    [GlobalSetup]
    public void Setup() => SetupAsync(TimeSpan.Zero).GetAwaiter().GetResult();

    internal async Task SetupAsync(TimeSpan latency)
    {
        var network = new VirtualNetwork(VirtualNetworkSettings.Default with { SendLatency = latency, StatusReports = false });
        _server = new VirtualModemServer();
        _lines = new BenchLine[Modems];
        for (var i = 0; i < Modems; i++)
        {
            var modem = network.AddModem($"+4206000{i + 1:D5}");
            Stream stream;
            if (Transport == ModemTransport.InMemory) stream = modem.Connect();
            else
            {
                var client = new TcpClient { NoDelay = true };
                await client.ConnectAsync(_server.Expose(modem));
                stream = client.GetStream();
            }
            _lines[i] = new BenchLine(stream);
            await _lines[i].CommandAsync("ATE0\r", "OK\r\n");
        }
        TextPlanner.TryPlan("Your parcel 4711 is out for delivery today.", new SmsEncodingOptions(), out var plan, out _);
        var submit = TextPlanner.ToSubmits(plan!, new SmsAddress(AddressType.International, "+420777123456"), 0, false, null)[0];
        var bytes = Pdu.Encode(submit);
        _pdu = (Pdu.TpduLength(bytes), Convert.ToHexString(bytes));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var line in _lines) line.Dispose();
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = SmsPerInvocation, Description = "AT+CMGS round trips, 400 SMS over the modems")]
    public Task SendAll() => SendAsync(SmsPerInvocation / Modems);

    internal Task SendAsync(int perModem) => Task.WhenAll(_lines.Select(async line =>
    {
        for (var i = 0; i < perModem; i++)
        {
            await line.CommandAsync($"AT+CMGS={_pdu.Length}\r", "> ");
            await line.CommandAsync(_pdu.Hex + "\u001A", "OK\r\n");
        }
    }));

    private sealed class OpsPerSecond : ManualConfig
    {
        public OpsPerSecond() => AddColumn(StatisticColumn.OperationsPerSecond);
    }

    /// <summary>A bare AT client: writes a command and reads until a marker (every answer here ends in one), failing on an error result.</summary>
    private sealed class BenchLine(Stream stream) : IDisposable
    {
        private readonly byte[] _buffer = new byte[4096];
        private readonly StringBuilder _pending = new();

        public async Task CommandAsync(string command, string until)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command));
            while (true)
            {
                var text = _pending.ToString();
                var at = text.IndexOf(until, StringComparison.Ordinal);
                if (at >= 0)
                {
                    _pending.Remove(0, at + until.Length);
                    return;
                }
                if (text.Contains("ERROR", StringComparison.Ordinal)) throw new InvalidOperationException("the modem answered " + text.Trim());
                var n = await stream.ReadAsync(_buffer);
                if (n == 0) throw new IOException("the modem closed the line");
                _pending.Append(Encoding.ASCII.GetString(_buffer, 0, n));
            }
        }

        public void Dispose() => stream.Dispose();
    }
}

/// <summary>
/// The same sends with a realistic 50 ms send latency on 4 modems: 80 SMS/s is the most the
/// modems allow, so this shows what the simulator's own overhead costs. 80 SMS per invocation
/// (20 per modem), a short job: each invocation takes about a second.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
[Config(typeof(OpsPerSecond))]
public class VirtualModemLatencyBenchmarks
{
    private readonly VirtualModemBenchmarks _bank = new() { Transport = ModemTransport.InMemory, Modems = 4 };

    [GlobalSetup]
    public void Setup() => _bank.SetupAsync(TimeSpan.FromMilliseconds(50)).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _bank.Cleanup();

    [Benchmark(OperationsPerInvoke = 80, Description = "4 modems, 50 ms send latency, 80 SMS")]
    public Task SendWithLatency() => _bank.SendAsync(20);

    private sealed class OpsPerSecond : ManualConfig
    {
        public OpsPerSecond() => AddColumn(StatisticColumn.OperationsPerSecond);
    }
}

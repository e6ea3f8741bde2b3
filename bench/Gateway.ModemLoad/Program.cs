using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Gateway.Configuration;
using Gateway.Modem;
using Gateway.Modem.Transport;
using Gateway.Modem.Virtual;
using Gateway.ModemLoad;
using Gateway.Sms;

// The GSM module against zero-latency virtual modems over TCP (loopback). Two modems of one
// virtual network: a bare socket client drives one, the module actor the other, in interleaved
// blocks so both see the same machine load. Reported:
//   - AT+CSQ round trip of the bare client (one AT round trip);
//   - one SMS (AT+CMGS, prompt, PDU, +CMGS: two AT round trips), bare client vs. module actor
//     (SendSms → SmsSent, sent from an actor as the router will);
//   - the actor's cost per AT round trip = (actor − bare) / 2, at p50 and p99;
//   - throughput: many SMS queued at once through one module.
// Usage: dotnet run -c Release --project bench/Gateway.ModemLoad -- [--count N] [--blocks B] [--burst N]

var count = ArgInt("--count", 10000);
var blocks = ArgInt("--blocks", 10);
var burst = ArgInt("--burst", 20000);
var perBlock = Math.Max(1, count / blocks);

var network = new VirtualNetwork(VirtualNetworkSettings.Default with { SendLatency = TimeSpan.Zero, StatusReports = false });
var rawModem = network.AddModem("+420600000001");
var moduleModem = network.AddModem("+420600000002");
await using var server = new VirtualModemServer();
var rawEndpoint = server.Expose(rawModem);
var moduleEndpoint = server.Expose(moduleModem);

var part = new SmsSubmit(0, new SmsAddress(AddressType.International, "+420777123456"), SmsCoding.Gsm7,
    "Benchmark message through one GSM module: a full single part of GSM-7 text, 160 characters, so the PDU is as long as one part gets. 0123456789 abcdefghij.", [], null, false, null);
var pdu = Pdu.Encode(part);
var pduHex = Convert.ToHexString(pdu);
var tpdu = Pdu.TpduLength(pdu);

Console.WriteLine($"GSM module benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPU, .NET {Environment.Version}, load average {LoadAverage()}");
Console.WriteLine($"virtual modems on tcp://{rawEndpoint} (bare client) and tcp://{moduleEndpoint} (module), send latency 0, TPDU {tpdu} octets");
Console.WriteLine($"{blocks} interleaved blocks of {perBlock} operations each way, after a warm-up block");

using var system = ActorSystem.Create("bench", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
var settings = new ModuleSettings("gsm-bench", "node-a", "operator-a", ModuleTransport.Tcp, moduleEndpoint.Address.ToString(), moduleEndpoint.Port, "", 0, null, null, ModuleLimits.None);
var timings = ModemSettings.Default with { HealthInterval = TimeSpan.FromHours(1), MaxQueuedSends = burst + 1 };
var module = system.ActorOf(GsmModule.Props(settings, timings, new TcpTransport(moduleEndpoint.Address.ToString(), moduleEndpoint.Port), system.DeadLetters), "gsm-bench");
var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
while ((await module.Ask<ModuleStatus>(new GetModuleStatus("gsm-bench"), TimeSpan.FromSeconds(5))).State != ModuleState.Ready)
{
    if (DateTime.UtcNow > deadline) throw new TimeoutException("the module did not become ready");
    await Task.Delay(50);
}
var sender = system.ActorOf(Props.Create(() => new SequentialSender(module, part)), "sequential");

var rawAt = new Latencies(count);
var rawSms = new Latencies(count);
var actorSms = new Latencies(count);
await using (var raw = await RawAtClient.ConnectAsync(rawEndpoint))
{
    await raw.CommandAsync("ATE0");
    await raw.CommandAsync("AT+CMGF=0");
    for (var block = -1; block < blocks; block++)
    {
        var measure = block >= 0; // block -1 warms up both paths
        for (var i = 0; i < perBlock; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            await raw.CommandAsync("AT+CSQ");
            var t1 = Stopwatch.GetTimestamp();
            await raw.SendPduAsync(tpdu, pduHex);
            var t2 = Stopwatch.GetTimestamp();
            if (measure)
            {
                rawAt.Add(t0, t1);
                rawSms.Add(t1, t2);
            }
        }
        var run = new SequentialSender.Run(perBlock, measure ? actorSms : new Latencies(perBlock), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        sender.Tell(run);
        await run.Done.Task.WaitAsync(TimeSpan.FromMinutes(5));
    }
}

var done = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
system.ActorOf(Props.Create(() => new BurstCollector(module, part, burst, done)), "burst");
var burstTime = await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
await system.Terminate();

Console.WriteLine();
Console.WriteLine($"bare socket, AT+CSQ (1 round trip)         {rawAt.Summary()}");
Console.WriteLine($"bare socket, one SMS (2 round trips)       {rawSms.Summary()}");
Console.WriteLine($"module actor, one SMS (2 round trips)      {actorSms.Summary()}");
Console.WriteLine($"actor's cost per AT round trip: p50 {(actorSms.PercentileMs(50) - rawSms.PercentileMs(50)) / 2:0.000} ms, p99 {(actorSms.PercentileMs(99) - rawSms.PercentileMs(99)) / 2:0.000} ms");
Console.WriteLine($"throughput: {burst} SMS queued at once through one module: {burstTime.TotalSeconds:0.00} s = {burst / burstTime.TotalSeconds:0} SMS/s " +
                  $"(one at a time: module {1000 / actorSms.MeanMs:0} SMS/s, bare client {1000 / rawSms.MeanMs:0} SMS/s)");
Console.WriteLine($"load average at the end: {LoadAverage()}");
return 0;

int ArgInt(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0 ? n : fallback;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

/// <summary>Sends SMS one after another from inside an actor (as the router will) and times each SendSms → SmsSent.</summary>
sealed class SequentialSender : ReceiveActor
{
    public sealed record Run(int Count, Latencies Latencies, TaskCompletionSource Done);

    private Run? _run;
    private int _sent;
    private long _started;

    public SequentialSender(IActorRef module, SmsSubmit part)
    {
        void Next()
        {
            _started = Stopwatch.GetTimestamp();
            module.Tell(new SendSms("gsm-bench", $"seq-{_sent}", [part]));
        }
        Receive<Run>(run =>
        {
            (_run, _sent) = (run, 0);
            Next();
        });
        Receive<SmsSent>(_ =>
        {
            var ended = Stopwatch.GetTimestamp();
            _run!.Latencies.Add(_started, ended);
            if (++_sent == _run.Count) _run.Done.TrySetResult();
            else Next();
        });
        Receive<SmsSendFailed>(f => _run?.Done.TrySetException(new InvalidOperationException($"send failed: {f.Reason}")));
    }
}

/// <summary>Queues a burst of SMS at once and reports the time until the last is answered.</summary>
sealed class BurstCollector : ReceiveActor
{
    public BurstCollector(IActorRef module, SmsSubmit part, int count, TaskCompletionSource<TimeSpan> done)
    {
        var started = Stopwatch.GetTimestamp();
        var answered = 0;
        Receive<SmsSent>(_ =>
        {
            if (++answered == count) done.TrySetResult(Stopwatch.GetElapsedTime(started));
        });
        Receive<SmsSendFailed>(f => done.TrySetException(new InvalidOperationException($"send failed: {f.Reason}")));
        for (var i = 0; i < count; i++) module.Tell(new SendSms("gsm-bench", $"burst-{i}", [part]));
    }
}

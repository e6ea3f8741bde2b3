using Akka.Hosting;
using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using Akka.Configuration;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Host.Hosting;
using Gateway.Modem.Virtual;
using Gateway.RoutingLoad;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

// Outgoing routing through a whole node, in-process: the host's own wiring (cluster of one, SQLite
// in a fresh temp folder, SMTP on loopback, sharded mailboxes, the SMS router, the modem bank with
// virtual modules in the node's virtual GSM network). Mail goes in over real SMTP sockets.
//
//   latency      SMTP 250 → the first AT+CMGS the module writes, one mail at a time on idle modems.
//                Options: --count N (default 1000, after 100 warm-up mails), --modems M (2).
//   utilisation  --mails N (10000) over --modems M (32) taking --send-latency (100ms) per SMS,
//                submitted by --clients C (16) SMTP connections of --users U (10) users;
//                SMS per second achieved ÷ M / send-latency. --reports on|off (on).
//
// Usage: dotnet run -c Release --project bench/Gateway.RoutingLoad -- latency | utilisation [options]

var mode = args.FirstOrDefault() ?? "latency";
int Arg(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
string Text(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

Console.WriteLine($"routing benchmark ({mode}), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPU, .NET {Environment.Version}, load average {LoadAverage()}");
return mode switch
{
    "latency" => await Latency(Arg("--count", 1000), Arg("--modems", 2)),
    "utilisation" => await Utilisation(Arg("--mails", 10_000), Arg("--modems", 32), Milliseconds(Text("--send-latency", "100ms")),
        Arg("--clients", 16), Arg("--users", 10), Text("--reports", "on") == "on", Arg("--warm-up", 0)),
    _ => Usage(),
};

static TimeSpan Milliseconds(string text) =>
    text.EndsWith("ms") ? TimeSpan.FromMilliseconds(int.Parse(text[..^2])) : TimeSpan.FromSeconds(double.Parse(text.TrimEnd('s')));

static int Usage()
{
    Console.Error.WriteLine("usage: Gateway.RoutingLoad latency [--count N] [--modems M] | utilisation [--mails N] [--modems M] [--send-latency 100ms] [--clients C] [--users U] [--reports on|off]");
    return 2;
}

static async Task<int> Latency(int count, int modems)
{
    const int warmUp = 100;
    var tap = new CommandTap("AT+CMGS");
    var (host, settings) = await StartNodeAsync(modems, users: 1, sendLatency: TimeSpan.FromMilliseconds(20), reports: false, tap);
    try
    {
        var network = host.Services.GetRequiredService<VirtualNetwork>();
        var smtp = host.Services.GetRequiredService<SmtpHosting.SmtpListeners>().Endpoints[0].Bound;
        await using var client = await SmtpLoadClient.ConnectAsync(smtp, "bench-0", "bench-pw");
        var samples = new List<double>(count);
        for (var i = 0; i < warmUp + count; i++)
        {
            var number = $"+42077{i:0000000}";
            var accepted = await client.SendAsync("bench-0@sms.example.net", $"{number}@sms.example.net", "latency", $"Latency sample {i}");
            var written = await tap.NextAsync(TimeSpan.FromSeconds(30));
            using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
                await network.Phone(number).WaitForInboxAsync(1, wait.Token); // the modems are idle again
            if (i >= warmUp) samples.Add((written - accepted) * 1000.0 / Stopwatch.Frequency);
        }
        samples.Sort();
        double P(double p) => samples[Math.Clamp((int)Math.Ceiling(p / 100 * samples.Count) - 1, 0, samples.Count - 1)];
        Console.WriteLine($"{modems} idle virtual modules (20 ms per SMS), {count} mails one at a time on one SMTP connection, after {warmUp} warm-up mails");
        Console.WriteLine($"SMTP 250 read by the client → AT+CMGS written by the module: p50 {P(50):0.00} ms  p90 {P(90):0.00} ms  p99 {P(99):0.00} ms  max {samples[^1]:0.00} ms  min {samples[0]:0.00} ms");
        Console.WriteLine($"(negative: the module wrote AT+CMGS before the client had read its 250; {samples.Count(s => s < 0)} of {samples.Count})");
    }
    finally
    {
        await host.StopAsync();
    }
    return 0;
}

static async Task<int> Utilisation(int mails, int modems, TimeSpan sendLatency, int clients, int users, bool reports, int warmUp)
{
    var (host, settings) = await StartNodeAsync(modems, users, sendLatency, reports, tap: null);
    try
    {
        var network = host.Services.GetRequiredService<VirtualNetwork>();
        var smtp = host.Services.GetRequiredService<SmtpHosting.SmtpListeners>().Endpoints[0].Bound;
        var theoretical = modems / sendLatency.TotalSeconds;
        Console.WriteLine($"{mails} mails, {modems} virtual modules at {sendLatency.TotalMilliseconds:0} ms per SMS ({theoretical:0} SMS/s possible), " +
                          $"{clients} SMTP connections, {users} users, status reports {(reports ? "on" : "off")}");

        // Warm-up, so the measured run sees a node that has been up a while: the code jitted to its
        // final tier, the journal, mailboxes and modules open. Rounds of the same load (1,000 mails,
        // each drained) until a round spends under 2 % of its CPU in the JIT (at most 20 rounds);
        // --warm-up N instead sends N mails once.
        var warmedUp = 0;
        for (var round = 1; ; round++)
        {
            var size = warmUp > 0 ? warmUp : 1000;
            var (roundCpu, roundJit) = (Process.GetCurrentProcess().TotalProcessorTime, System.Runtime.JitInfo.GetCompilationTime());
            await SubmitAll(smtp, warmedUp, size, clients, users, prefix: "+42078");
            warmedUp += size;
            while (network.Submitted < warmedUp) await Task.Delay(100);
            var jitShare = (System.Runtime.JitInfo.GetCompilationTime() - roundJit) / (Process.GetCurrentProcess().TotalProcessorTime - roundCpu);
            Console.WriteLine($"warm-up round {round}: {size} mails sent, {jitShare:P1} of the CPU in the JIT");
            if (warmUp > 0 || jitShare < 0.02 || round == 20) break;
        }
        var baseline = network.Submitted;

        var next = -1;
        var firstAccepted = 0L;
        var lastAccepted = 0L;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
        var gcPauseBefore = GC.GetTotalPauseDuration();
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var methodsBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        var submitters = Enumerable.Range(0, clients).Select(async c =>
        {
            var user = $"bench-{c % users}";
            await using var client = await SmtpLoadClient.ConnectAsync(smtp, user, "bench-pw");
            while (Interlocked.Increment(ref next) is var i && i < mails)
            {
                var at = await client.SendAsync($"{user}@sms.example.net", $"+42077{i:0000000}@sms.example.net", "load", $"Load test message {i}");
                Interlocked.CompareExchange(ref firstAccepted, at, 0);
                InterlockedMax(ref lastAccepted, at);
            }
        }).ToArray();

        var progress = Task.Run(async () =>
        {
            var lastPrint = Stopwatch.GetTimestamp();
            while (network.Submitted - baseline < mails)
            {
                await Task.Delay(100);
                if (Stopwatch.GetElapsedTime(lastPrint) > TimeSpan.FromSeconds(5))
                {
                    lastPrint = Stopwatch.GetTimestamp();
                    Console.WriteLine($"  {Math.Min(mails, Volatile.Read(ref next) + 1),6} mails submitted, {network.Submitted - baseline,6} SMS on the network");
                }
            }
            return Stopwatch.GetTimestamp();
        });
        await Task.WhenAll(submitters);
        var done = await progress.WaitAsync(TimeSpan.FromMinutes(30));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var jit = System.Runtime.JitInfo.GetCompilationTime() - jitBefore;
        var methods = System.Runtime.JitInfo.GetCompiledMethodCount() - methodsBefore;
        var gcPause = GC.GetTotalPauseDuration() - gcPauseBefore;
        var gcs = (GC.CollectionCount(0) - gcBefore.Item1, GC.CollectionCount(1) - gcBefore.Item2, GC.CollectionCount(2) - gcBefore.Item3);

        double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;
        var total = Seconds(firstAccepted, done);
        var rate = mails / total;
        Console.WriteLine($"submission: {mails} mails in {Seconds(firstAccepted, lastAccepted):0.00} s ({mails / Seconds(firstAccepted, lastAccepted):0} mails/s)");
        Console.WriteLine($"sending: first 250 → {mails}th SMS on the network: {total:0.00} s = {rate:0.0} SMS/s of {theoretical:0} possible → utilisation {rate / theoretical:0.000}");
        Console.WriteLine($"(the ideal, every module busy from the first 250 on: {mails / theoretical:0.00} s); process CPU {cpu.TotalSeconds:0.0} s, of it JIT {jit.TotalSeconds:0.0} s ({methods} methods compiled); GC paused {gcPause.TotalMilliseconds:0} ms in {gcs.Item1}/{gcs.Item2}/{gcs.Item3} collections (gen 0/1/2)");
    }
    finally
    {
        await host.StopAsync();
    }
    return 0;
}

/// <summary>Submits <paramref name="count"/> mails over <paramref name="clients"/> connections, each to its own number (from number <paramref name="from"/> on).</summary>
static async Task SubmitAll(IPEndPoint smtp, int from, int count, int clients, int users, string prefix)
{
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
    {
        var user = $"bench-{c % users}";
        await using var client = await SmtpLoadClient.ConnectAsync(smtp, user, "bench-pw");
        while (Interlocked.Increment(ref next) is var i && i < count)
            await client.SendAsync($"{user}@sms.example.net", $"{prefix}{from + i:0000000}@sms.example.net", "warm-up", $"Warm-up message {i}");
    }));
}

static async Task<(IHost Host, GatewaySettings Settings)> StartNodeAsync(int modems, int users, TimeSpan sendLatency, bool reports, CommandTap? tap)
{
    var dir = Directory.CreateTempSubdirectory("gw-routing-bench-").FullName;
    var hash = PasswordHasher.Hash("bench-pw", PasswordHasher.MinIterations);
    var userList = string.Join("\n", Enumerable.Range(0, users).Select(u => $"bench-{u} {{ password-hash = \"{hash}\", sms-groups = [bench] }}"));
    var moduleList = string.Join("\n", Enumerable.Range(1, modems).Select(m =>
        $"gsm-{m} {{ node = \"node-a\", group = bench, transport = virtual, number = \"+4206{m:00000000}\" }}"));
    var hocon = $$"""
        gateway {
          node.name = "node-a"
          log.level = warning
          storage { provider = sqlite, connection-string = "Data Source={{Path.Combine(dir, "gateway.db")}}" }
          cluster { hostname = "127.0.0.1", port = 0 }
          mail {
            domain = "sms.example.net"
            smtp.listen = [ { host = "127.0.0.1", port = 0, tls = none } ]
            pop3.listen = []
            smtp.max-connections = 200
          }
          users { {{userList}} }
          sms-groups { bench { selection = least-busy } }
          modules { {{moduleList}} }
          routing { outgoing = [ { destinations = ["+420*"], groups = [bench] } ], incoming = [] }
          modem.health-interval = 1h
          virtual-network { send-latency = {{(int)sendLatency.TotalMilliseconds}}ms, status-reports = {{(reports ? "on" : "off")}}, status-report-delay = 1s }
        }
        """;
    var result = GatewaySettings.Load(ConfigurationFactory.ParseString(hocon));
    if (!result.IsValid) throw new InvalidOperationException(string.Join("\n", result.Errors));
    // BENCH_AKKA_HOCON: extra Akka settings for experiments (journal tuning, say), given precedence.
    var extra = Environment.GetEnvironmentVariable("BENCH_AKKA_HOCON");
    var host = GatewayHost.Build(result.Settings!, logging =>
    {
        logging.SetMinimumLevel(LogLevel.Warning);
        if (tap is null) return;
        logging.AddProvider(tap);
        logging.AddFilter("Gateway.Modem.Virtual", LogLevel.Debug);
        logging.AddFilter<ConsoleLoggerProvider>("Gateway.Modem.Virtual", LogLevel.Warning);
    }, configureAkka: akka =>
    {
        if (!string.IsNullOrWhiteSpace(extra)) akka.AddHocon(extra, HoconAddMode.Prepend);
    });
    await host.StartAsync();
    // Ready when every module is: the bank reports them to the router.
    var registry = host.Services.GetRequiredService<Akka.Hosting.ActorRegistry>();
    var router = registry.Get<Gateway.Routing.OutgoingRouter>();
    var deadline = Stopwatch.StartNew();
    while (true)
    {
        var status = await Akka.Actor.Futures.Ask<Gateway.Routing.RouterStatus>(router, Gateway.Routing.GetRouterStatus.Instance, TimeSpan.FromSeconds(10));
        if (status.Modules.Values.All(m => m.Status?.State == Gateway.Modem.ModuleState.Ready)) break;
        if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("the modules did not become ready");
        await Task.Delay(100);
    }
    return (host, result.Settings!);
}

static void InterlockedMax(ref long target, long value)
{
    long seen;
    while ((seen = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
}

static string LoadAverage()
{
    try
    {
        return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "?";
    }
}

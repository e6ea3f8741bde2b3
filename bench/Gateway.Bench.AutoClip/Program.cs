using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Gateway.AutoClip;
using Gateway.Configuration;
using Gateway.Host.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The AutoCLIP benchmark. Commands:
//   fill    --dir D [--records 1000000] [--lookups 200000] [--window 2000]
//           a gateway node (cluster of one, SQLite in D) takes --records RecordAutoClip through its AutoCLIP
//           front (distinct numbers, 8 modules, 200 users, as the outgoing router sends them), then
//           --lookups LookupReplyOwner of random recorded numbers; --window requests in flight at a time.
//   recover --dir D [--rounds 3]
//           the 32 buckets recovered from D's snapshots and journal in a plain actor system: time until
//           every bucket answers, and the managed memory they hold per record.
//   restart --dir D
//           a whole node started again on D: time until a lookup answers and until every bucket has.
//   memory  [--records 1000000]
//           the same records in 32 AutoClipStores without actors or journal: bytes per record.
var command = args.FirstOrDefault() ?? "";
var options = Options.Parse(args.Skip(1).ToArray());
return command switch
{
    "fill" => await Bench.FillAsync(options),
    "recover" => await Bench.RecoverAsync(options),
    "restart" => await Bench.RestartAsync(options),
    "memory" => Bench.Memory(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Gateway.Bench.AutoClip fill|recover|restart|memory --dir DIR [options] (see Program.cs)");
    return 2;
}

internal sealed record Options(Dictionary<string, string> Values)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) values[args[i].TrimStart('-')] = args[i + 1];
        return new Options(values);
    }

    public string Dir => Path.GetFullPath(Values.GetValueOrDefault("dir") ?? throw new ArgumentException("--dir is required"));

    public int Int(string key, int fallback) => Values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}

internal static class Bench
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(120);
    private const int Modules = 8;
    private const int Users = 200;

    /// <summary>The i-th number of the run: distinct, spread like real mobile numbers (+420 6xx/7xx …).</summary>
    private static string Number(int i) => "+4206" + ((i * 7919L) % 100_000_000 + 100_000_000 * (i % 4 >= 2 ? 1 : 0)).ToString("D9", CultureInfo.InvariantCulture);

    private static GatewaySettings Settings(string dir)
    {
        var hocon = $$"""
            gateway {
              log.level = warning
              storage.connection-string = "Data Source={{Path.Combine(dir, "gateway.db")}}"
              cluster { hostname = "127.0.0.1", port = 0 }
              mail { smtp.listen = [], pop3.listen = [] }
              sms-groups { operator-a { } }
              modules { }
              routing { outgoing = [], incoming = [] }
              autoclip.expires-after = 72h
            }
            """;
        var result = GatewaySettings.Load(ConfigurationFactory.ParseString(hocon));
        return result.Settings ?? throw new InvalidOperationException(string.Join("\n", result.Errors));
    }

    private static async Task<IHost> StartHostAsync(string dir)
    {
        var host = GatewayHost.Build(Settings(dir), l => l.SetMinimumLevel(LogLevel.Warning));
        await host.StartAsync();
        return host;
    }

    /// <summary>Runs <paramref name="count"/> requests with at most <paramref name="window"/> in flight; returns requests per second.</summary>
    private static async Task<double> RunAsync(int count, int window, Func<int, Task> request)
    {
        var watch = Stopwatch.StartNew();
        var next = -1;
        var workers = Enumerable.Range(0, window).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count) await request(i);
        });
        await Task.WhenAll(workers);
        return count / watch.Elapsed.TotalSeconds;
    }

    public static async Task<int> FillAsync(Options o)
    {
        var records = o.Int("records", 1_000_000);
        var window = o.Int("window", 2000);
        Directory.CreateDirectory(o.Dir);
        using var host = await StartHostAsync(o.Dir);
        var autoClip = host.Services.GetRequiredService<IReadOnlyActorRegistry>().Get<AutoClipRegion>();
        var start = DateTimeOffset.UtcNow;

        // Warm-up: every bucket started and recovered (empty) before the clock runs.
        await autoClip.Ask<AutoClipList>(new ListAutoClip(null, null, null, 0), AskTimeout);

        var inserts = await RunAsync(records, window, async i =>
        {
            var reply = await autoClip.Ask<object>(new RecordAutoClip(Number(i), $"gsm-{i % Modules + 1}", $"user{i % Users}", start.AddMilliseconds(i)), AskTimeout);
            if (reply is not AutoClipRecorded) throw new InvalidOperationException($"record {i}: {reply}");
        });
        Console.WriteLine($"inserts: {records:N0} records, {inserts:N0}/s (window {window})");

        var lookups = o.Int("lookups", 200_000);
        var random = new Random(42);
        var picks = Enumerable.Range(0, lookups).Select(_ => random.Next(records)).ToArray();
        var found = 0;
        var rate = await RunAsync(lookups, window, async i =>
        {
            var n = picks[i];
            var owner = await autoClip.Ask<ReplyOwner>(new LookupReplyOwner(Number(n), $"gsm-{n % Modules + 1}"), AskTimeout);
            if (owner.User == $"user{n % Users}") Interlocked.Increment(ref found);
        });
        Console.WriteLine($"lookups: {lookups:N0}, {rate:N0}/s, {found:N0} found their owner");

        var list = await autoClip.Ask<AutoClipList>(new ListAutoClip(null, null, null, 10), AskTimeout);
        var query = Stopwatch.StartNew();
        var alice = await autoClip.Ask<AutoClipList>(new ListAutoClip("+420612", "user7", null, 1000), AskTimeout);
        Console.WriteLine($"live records: {list.Matched:N0}; an operator query over all of them (prefix + user): {query.ElapsedMilliseconds} ms, {alice.Matched} matched");

        await host.StopAsync();
        Console.WriteLine($"database: {new FileInfo(Path.Combine(o.Dir, "gateway.db")).Length / 1024.0 / 1024:N0} MB (+ WAL {WalMegabytes(o.Dir):N0} MB)");
        return 0;
    }

    private static double WalMegabytes(string dir)
    {
        var wal = new FileInfo(Path.Combine(dir, "gateway.db-wal"));
        return wal.Exists ? wal.Length / 1024.0 / 1024 : 0;
    }

    /// <summary>The buckets alone in a plain actor system with the node's journal: recovery time and memory.</summary>
    public static async Task<int> RecoverAsync(Options o)
    {
        var settings = Settings(o.Dir);
        var connectionString = StorageSetup.Prepare(settings.Storage);
        var config = ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                  connection-string = "{{connectionString}}"
                  provider-name = "SQLite.MS"
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                  connection-string = "{{connectionString}}"
                  provider-name = "SQLite.MS"
                }
              }
            }
            {{AutoClipSerializer.Hocon}}
            """);
        for (var round = 1; round <= o.Int("rounds", 3); round++)
        {
            var system = ActorSystem.Create("recover", config);
            // Journal and snapshot plugins started, so the clock measures the buckets, not the plugins' start.
            _ = Akka.Persistence.Persistence.Instance.Apply(system).JournalFor(null);
            _ = Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null);
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var watch = Stopwatch.StartNew();
            var buckets = Enumerable.Range(0, AutoClipSharding.BucketCount)
                .Select(b => system.ActorOf(AutoClipBucket.Props(b, settings.AutoClip), $"bucket-{b}"))
                .ToArray();
            var answeredAt = new double[buckets.Length];
            var answers = await Task.WhenAll(buckets.Select(async (bucket, b) =>
            {
                var answer = await bucket.Ask<AutoClipList>(new ListAutoClipBucket(b, new ListAutoClip(null, null, null, 0)), AskTimeout);
                answeredAt[b] = watch.Elapsed.TotalSeconds;
                return answer;
            }));
            var elapsed = watch.Elapsed;
            Array.Sort(answeredAt);
            var total = answers.Sum(a => (long)a.Matched);
            var after = GC.GetTotalMemory(forceFullCollection: true);
            Console.WriteLine($"round {round}: {AutoClipSharding.BucketCount} buckets recovered {total:N0} records in {elapsed.TotalSeconds:N2} s; " +
                              $"first bucket ready at {answeredAt[0]:N2} s, half at {answeredAt[answeredAt.Length / 2]:N2} s; " +
                              $"managed memory held {(after - before) / 1024.0 / 1024:N0} MB = {(after - before) / (double)Math.Max(total, 1):N0} bytes/record");
            GC.KeepAlive(buckets);
            await system.Terminate();
        }
        return 0;
    }

    /// <summary>A whole node started again on the data: cluster, sharding, remembered buckets and their recovery.</summary>
    public static async Task<int> RestartAsync(Options o)
    {
        var watch = Stopwatch.StartNew();
        using var host = await StartHostAsync(o.Dir);
        var started = watch.Elapsed;
        var autoClip = host.Services.GetRequiredService<IReadOnlyActorRegistry>().Get<AutoClipRegion>();
        var owner = await autoClip.Ask<ReplyOwner>(new LookupReplyOwner(Number(0), "gsm-1"), AskTimeout);
        var firstLookup = watch.Elapsed;
        var list = await autoClip.Ask<AutoClipList>(new ListAutoClip(null, null, null, 0), AskTimeout);
        var all = watch.Elapsed;
        Console.WriteLine($"host started in {started.TotalSeconds:N2} s; first lookup answered at {firstLookup.TotalSeconds:N2} s ({owner.User}); " +
                          $"all {AutoClipSharding.BucketCount - list.BucketsUnanswered} buckets ({list.Matched:N0} records) at {all.TotalSeconds:N2} s");
        await host.StopAsync();
        return 0;
    }

    /// <summary>The store alone: what a record costs without actors, journal or snapshots.</summary>
    public static int Memory(Options o)
    {
        var records = o.Int("records", 1_000_000);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var stores = Enumerable.Range(0, AutoClipSharding.BucketCount).Select(_ => new AutoClipStore(TimeSpan.FromHours(72))).ToArray();
        foreach (var s in stores) s.RebuildExpiryIndex();
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < records; i++)
        {
            AutoClipNumber.TryParse(Number(i), out var digits);
            stores[AutoClipNumber.Bucket(digits, stores.Length)].Record(digits, $"gsm-{i % Modules + 1}", $"user{i % Users}", start + i);
        }
        var elapsed = watch.Elapsed;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"{stores.Sum(s => s.Count):N0} records in 32 stores: {(after - before) / (double)records:N0} bytes/record " +
                          $"(records and expiry index), {records / elapsed.TotalSeconds:N0} inserts/s on one thread");
        var snapshot = stores.Sum(s => (long)s.ExportSnapshot().Length);
        Console.WriteLine($"snapshots of all 32 buckets: {snapshot / 1024.0 / 1024:N1} MB = {snapshot / (double)records:N1} bytes/record");
        GC.KeepAlive(stores);
        return 0;
    }
}

using System.Diagnostics;
using System.Net;
using Gateway.ClusterLoad;
using Gateway.RoutingLoad;
using Gateway.Tests.Support;
using MailKit.Net.Pop3;
using MailKit.Security;

// A cluster of real gateway processes (one PostgreSQL, one modemsim network), see bench/README.md "Cluster".
//
//   scale-out  --nodes 1,2,3 clusters in turn, each node with --modems 8 virtual modems taking --latency 200ms
//              per send; --mails-per-modem 30 mails per modem of the cluster, submitted by --clients 8 SMTP
//              connections (users u1…u24) to node-a only. every mail to its own phone; SMS/s = mails / (first submission → last SMS sent, counted per SIM on the control line).
//   failover   three nodes (2 modems each); mails from every user so AutoCLIP records exist for modules of
//              node-b and node-c; kill -9 of node-a (the oldest: shard coordinators, the first AutoCLIP buckets);
//              then a phone replies to a survivor's SIM every 250 ms until one reply is in its user's mailbox
//              (POP3 on node-b): the time from the kill. --runs 3.
//
// Usage: dotnet run -c Release --project bench/Gateway.ClusterLoad -- scale-out | failover [options]

var mode = args.FirstOrDefault() ?? "scale-out";
string Text(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
int Arg(string name, int fallback) => int.Parse(Text(name, fallback.ToString()));

Console.WriteLine($"cluster benchmark ({mode}), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPU, .NET {Environment.Version}, load average {LoadAverage()}");
await using var pg = await ThrowawayPostgres.StartAsync();
return mode switch
{
    "scale-out" => await ScaleOut(Text("--nodes", "1,2,3").Split(',').Select(int.Parse).ToArray(), Arg("--modems", 8), Text("--latency", "200ms"),
        Arg("--mails-per-modem", 30), Arg("--clients", 8)),
    "failover" => await Failover(Arg("--runs", 3)),
    _ => 2,
};

async Task<int> ScaleOut(int[] sizes, int modems, string latency, int mailsPerModem, int clients)
{
    const int users = 24;
    var results = new List<(int Nodes, int Mails, double Seconds)>();
    foreach (var n in sizes)
    {
        await using var cluster = await BenchCluster.StartAsync(pg, n, modems, latency, users);
        var mails = mailsPerModem * modems * n;
        // Every mail to its own phone: independent messages, as an office sends them. (All mails to one
        // phone would measure sticky conversations instead: each user's SMS to that phone stay on the
        // module AutoCLIP names, so 24 conversations could use at most 24 modules, unevenly.)
        var smtp = new IPEndPoint(IPAddress.Loopback, cluster.SmtpPorts[0]);
        var clock = Stopwatch.StartNew();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var user = $"u{c % users + 1}";
            await using var client = await SmtpLoadClient.ConnectAsync(smtp, user, BenchCluster.Password);
            while (Interlocked.Increment(ref next) is var i && i <= mails)
                await client.SendAsync($"{user}@{BenchCluster.Domain}", $"+4207781{i:00000}@{BenchCluster.Domain}", "bench", $"scale-out {i}");
        }));
        var submitted = clock.Elapsed.TotalSeconds;
        Dictionary<string, long> sent;
        while ((sent = await SentPerSimAsync(cluster)).Values.Sum() < mails)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"{sent.Values.Sum()} of {mails} SMS sent after 5 minutes");
            await Task.Delay(20);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var perNode = Enumerable.Range(0, n).Select(i => $"{BenchCluster.NodeName(i)} {cluster.NumbersOf(i).Sum(x => sent.GetValueOrDefault(x))}").ToList();
        Console.WriteLine($"{n} node(s), {n * modems} modems: {mails} mails submitted to node-a in {submitted:F1} s; all sent in {seconds:F1} s = {mails / seconds:F1} SMS/s " +
                          $"(modem bound: {n * modems * 1000 / Ms(latency):F1}); sent per node: {string.Join(", ", perNode)}");
        results.Add((n, mails, seconds));
    }
    var one = results.FirstOrDefault(r => r.Nodes == 1);
    if (one.Nodes == 1)
        foreach (var r in results)
            Console.WriteLine($"{r.Nodes} node(s): {r.Mails / r.Seconds / (one.Mails / one.Seconds):F2} × one node");
    return 0;
}

/// <summary>SMS each SIM has sent, from the control line's MODEMS.</summary>
async Task<Dictionary<string, long>> SentPerSimAsync(BenchCluster cluster) =>
    (await Control.CommandAsync(cluster.ControlEndpoint, "MODEMS"))
        .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement)
        .ToDictionary(m => m.GetProperty("sim").GetString()!, m => m.GetProperty("sent").GetInt64());

async Task<int> Failover(int runs)
{
    const int users = 24;
    for (var run = 1; run <= runs; run++)
    {
        await using var cluster = await BenchCluster.StartAsync(pg, 3, 2, "200ms", users);
        // Every user writes to its own phone through node-a's SMTP; each mail leaves through a module of
        // the node holding the user's mailbox, and writes the AutoCLIP record (phone, module) → user.
        var smtp = new IPEndPoint(IPAddress.Loopback, cluster.SmtpPorts[0]);
        for (var u = 1; u <= users; u++)
        {
            await using var client = await SmtpLoadClient.ConnectAsync(smtp, $"u{u}", BenchCluster.Password);
            await client.SendAsync($"u{u}@{BenchCluster.Domain}", $"{Phone(u)}@{BenchCluster.Domain}", "bench", $"hello from u{u}");
        }
        var survivors = cluster.NumbersOf(1).Concat(cluster.NumbersOf(2)).ToHashSet();
        (int User, string Sim)? pick = null;
        var wait = Stopwatch.StartNew();
        while (pick is null && wait.Elapsed < TimeSpan.FromSeconds(60))
        {
            for (var u = 1; u <= users && pick is null; u++)
                if ((await cluster.InboxAsync(Phone(u))).FirstOrDefault(m => survivors.Contains(m.From)) is { From: { } sim })
                    pick = (u, sim);
            if (pick is null) await Task.Delay(200);
        }
        if (pick is not { } p)
        {
            Console.WriteLine($"run {run}: no mail left through node-b's or node-c's modules (every mailbox on node-a); nothing to measure");
            continue;
        }
        // Let the record be written (it is written after the send is confirmed).
        await Task.Delay(1000);
        cluster.Nodes[0].Signal(9);
        var killed = Stopwatch.StartNew();
        var tries = 0;
        while (killed.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Control.CommandAsync(cluster.ControlEndpoint, $"SEND {Phone(p.User)} {p.Sim} reply {++tries}");
            if (await MailboxHasReplyAsync(cluster.Pop3Ports[1], $"u{p.User}")) break;
            await Task.Delay(250);
        }
        Console.WriteLine($"run {run}: kill -9 of node-a → first AutoCLIP reply (to {p.Sim}, for u{p.User}) in the mailbox via node-b's POP3: " +
                          $"{killed.Elapsed.TotalSeconds:F1} s ({tries} replies sent)");
    }
    return 0;
}

static async Task<bool> MailboxHasReplyAsync(int pop3Port, string user)
{
    try
    {
        using var pop3 = new Pop3Client { Timeout = 2000 };
        await pop3.ConnectAsync("127.0.0.1", pop3Port, SecureSocketOptions.None);
        await pop3.AuthenticateAsync(user, BenchCluster.Password);
        var count = pop3.Count;
        await pop3.DisconnectAsync(false);
        return count > 0;
    }
    catch (Exception e) when (e is IOException or TimeoutException or OperationCanceledException or Pop3CommandException or Pop3ProtocolException or MailKit.ServiceNotConnectedException or AuthenticationException
                                  or System.Net.Sockets.SocketException)
    {
        return false;
    }
}

static string Phone(int user) => $"+4207770{user:00000}";

static double Ms(string latency) => latency.EndsWith("ms") ? double.Parse(latency[..^2]) : double.Parse(latency.TrimEnd('s')) * 1000;

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Host.Hosting;
using Gateway.Mailbox;
using Gateway.Sms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The mailbox/POP3 benchmark node. Commands:
//   serve   --dir D [--messages 10000] [--iterations 600000] [--auth-cache-ttl 5m] [--port 0]
//           fills user "bench" with --messages SMS-like mails (~500 bytes) and bench1..bench50 with 10
//           each, through the real mailbox actor, then serves POP3 until SIGINT/SIGTERM. Prints
//           "READY pop3=HOST:PORT pid=PID" once serving. Passwords: "benchpass".
//   persist --dir D [--messages 5000] [--window 200]
//           journal write rate of the mailbox with PersistAsync and with Persist, on a fresh SQLite file.
//   recover --dir D [--rounds 5]
//           time for a mailbox actor to recover user "bench" (filled by serve) from its snapshot and journal.
var command = args.FirstOrDefault() ?? "";
var options = Options.Parse(args.Skip(1).ToArray());
return command switch
{
    "serve" => await Bench.ServeAsync(options),
    "persist" => await Bench.PersistAsync(options),
    "recover" => await Bench.RecoverAsync(options),
    "compose" => Bench.Compose(options),
    "hash" => await Bench.HashAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Gateway.Bench.Mailbox serve|persist|recover --dir DIR [options] (see Program.cs)");
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

    public string String(string key, string fallback) => Values.GetValueOrDefault(key, fallback);
}

internal static class Bench
{
    public const string Password = "benchpass";
    private const int SmallUsers = 50;
    private const int SmallUserMessages = 10;
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(60);

    // The same texts as the Dovecot reference fill (../shared/bench/dovecot_ref.sh), padded to ~500 bytes a mail.
    private static readonly string[] Texts =
    [
        "Reminder: your appointment is tomorrow at 10:30. Reply YES to confirm or NO to cancel.",
        "Your verification code is 482913. It expires in 10 minutes. Do not share it.",
        "Hi, running 15 min late, start without me. See you at the station entrance.",
    ];

    private const int TargetMailSize = 513;

    public static async Task<int> ServeAsync(Options o)
    {
        var settings = Settings(o, o.String("auth-cache-ttl", "5m"), o.Int("port", 0), o.Int("messages", 10_000));
        using var host = GatewayHost.Build(settings, l => l.SetMinimumLevel(LogLevel.Warning));
        await host.StartAsync();
        var mailboxes = host.Services.GetRequiredService<IReadOnlyActorRegistry>().Get<MailboxRegion>();

        var watch = Stopwatch.StartNew();
        var added = await FillAsync(mailboxes, settings, "bench", o.Int("messages", 10_000), window: 256);
        for (var i = 1; i <= SmallUsers; i++) added += await FillAsync(mailboxes, settings, $"bench{i}", SmallUserMessages, window: 16);
        if (added > 0) Console.WriteLine($"filled {added} messages in {watch.Elapsed.TotalSeconds:0.0} s ({added / watch.Elapsed.TotalSeconds:0} msgs/s)");

        var pop3 = host.Services.GetRequiredService<Pop3Service>().Endpoints[0];
        Console.WriteLine($"READY pop3={pop3} pid={Environment.ProcessId}");
        await host.WaitForShutdownAsync();
        return 0;
    }

    public static async Task<int> PersistAsync(Options o)
    {
        var dir = Path.Combine(o.Dir, "persist-" + DateTime.UtcNow.Ticks);
        var messages = o.Int("messages", 5000);
        var users = new[] { "async1", "sync1", "async2", "sync2" };
        var settings = Settings(o with { Values = new(o.Values) { ["dir"] = dir } }, "5m", 0, messages, users);
        using var host = GatewayHost.Build(settings, l => l.SetMinimumLevel(LogLevel.Warning));
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        Console.WriteLine($"journal writes of one mailbox, {messages} messages each, SQLite WAL ({dir})");
        foreach (var window in new[] { 1, o.Int("window", 200) })
            foreach (var user in users)
            {
                var persistAsync = user.StartsWith("async", StringComparison.Ordinal);
                // A mailbox of its own per run (not sharded), so the write mode can be chosen.
                var name = $"{user}-w{window}";
                var mailbox = system.ActorOf(MailboxActor.Props(settings.Users[user] with { Name = name }, settings.Mail, ActorRefs.Nobody,
                    persistAsync: persistAsync), name);
                var watch = Stopwatch.StartNew();
                await SendAllAsync(mailbox, name, messages, window, submit: user.EndsWith('2'));
                var rate = messages / watch.Elapsed.TotalSeconds;
                Console.WriteLine($"  {(persistAsync ? "PersistAsync" : "Persist     ")} {(user.EndsWith('2') ? "SubmitOutgoing" : "DeliverSms    ")} {window,4} in flight: {rate,8:0} events/s");
                await mailbox.GracefulStop(TimeSpan.FromSeconds(30));
            }
        await host.StopAsync();
        return 0;
    }

    /// <summary>Password checks per second at the configured cost, with --parallel checks at a time on pool threads (as POP3 runs them).</summary>
    public static async Task<int> HashAsync(Options o)
    {
        var settings = Settings(o, "0s", 0, 0);
        var accounts = AccountDirectory.FromSettings(settings);
        var n = o.Int("checks", 40);
        var parallel = o.Int("parallel", 20);
        var watch = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(parallel);
        var checks = Enumerable.Range(0, n).Select(async i =>
        {
            await slots.WaitAsync();
            try { return await Task.Run(() => accounts.Authenticate($"bench{i % 50 + 1}", Password, System.Net.IPAddress.Loopback)); }
            finally { slots.Release(); }
        }).ToArray();
        var results = await Task.WhenAll(checks);
        Console.WriteLine($"{n} checks ({results.Count(r => r.Succeeded)} accepted), {parallel} at a time: {n / watch.Elapsed.TotalSeconds:0.0} checks/s; " +
                          $"process cpu {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds / watch.Elapsed.TotalSeconds * 100:0}% of one core");
        return 0;
    }

    /// <summary>How fast the composer writes an SMS as an e-mail (single thread).</summary>
    public static int Compose(Options o)
    {
        var settings = Settings(o, "5m", 0, 0);
        var user = settings.Users["bench"];
        var n = o.Int("messages", 100_000);
        for (var round = 0; round < 3; round++)
        {
            var watch = Stopwatch.StartNew();
            long bytes = 0;
            for (var i = 0; i < n; i++)
                bytes += IncomingSmsComposer.Compose(Sms(i, n, 400), user, "sms.example.net", "SMS from {number}", $"m{i}@x").Length;
            Console.WriteLine($"compose: {n / watch.Elapsed.TotalSeconds:0} mails/s, {1e6 * watch.Elapsed.TotalSeconds / n:0.0} us each, avg {bytes / n} bytes");
        }
        return 0;
    }

    public static async Task<int> RecoverAsync(Options o)
    {
        var settings = Settings(o, "5m", 0, o.Int("messages", 10_000));
        using var host = GatewayHost.Build(settings, l => l.SetMinimumLevel(LogLevel.Warning));
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var bench = settings.Users["bench"];
        // The journal and snapshot store start on first use; a 10-message mailbox pays for that first.
        var warm = Stopwatch.StartNew();
        var small = system.ActorOf(MailboxActor.Props(settings.Users["bench1"], settings.Mail, ActorRefs.Nobody), "recover-warm-up");
        var smallStatus = await small.Ask<MailboxStatus>(new GetMailboxStatus("bench1"), AskTimeout);
        Console.WriteLine($"warm-up: recovered bench1 ({smallStatus.Messages} messages) in {warm.Elapsed.TotalMilliseconds:0} ms");
        await small.GracefulStop(TimeSpan.FromSeconds(30));
        for (var round = 1; round <= o.Int("rounds", 5); round++)
        {
            // A fresh, unsharded incarnation of bench's mailbox: it only reads, so it can live beside the sharded one.
            var watch = Stopwatch.StartNew();
            var mailbox = system.ActorOf(MailboxActor.Props(bench, settings.Mail, ActorRefs.Nobody), $"recover-{round}");
            var status = await mailbox.Ask<MailboxStatus>(new GetMailboxStatus("bench"), AskTimeout);
            var elapsed = watch.Elapsed;
            Console.WriteLine($"round {round}: recovered {status.Messages} messages ({status.Bytes / 1e6:0.0} MB) in {elapsed.TotalMilliseconds:0} ms");
            await mailbox.GracefulStop(TimeSpan.FromSeconds(30));
        }
        await host.StopAsync();
        return 0;
    }

    private static async Task<int> FillAsync(IActorRef mailboxes, GatewaySettings settings, string user, int count, int window)
    {
        var status = await mailboxes.Ask<MailboxStatus>(new GetMailboxStatus(user), AskTimeout);
        var missing = count - status.Messages;
        if (missing <= 0) return 0;
        await SendAllAsync(mailboxes, user, missing, window, submit: false, offset: status.Messages, settings);
        return missing;
    }

    /// <summary>Sends <paramref name="count"/> requests with at most <paramref name="window"/> waiting for their reply.</summary>
    private static async Task SendAllAsync(IActorRef target, string user, int count, int window, bool submit, int offset = 0, GatewaySettings? settings = null)
    {
        using var slots = new SemaphoreSlim(window);
        var pending = new List<Task>(count);
        var padding = settings is null ? 0 : Padding(settings, user);
        for (var i = offset; i < offset + count; i++)
        {
            await slots.WaitAsync();
            object request = submit
                ? new SubmitOutgoing(user, $"s{i}", [new OutgoingSms($"{user}-j{i}", user, "+420777123456", Texts[i % 3], SmsCoding.Gsm7, 1, DateTimeOffset.UtcNow, null, null, [])])
                : new DeliverSms(user, $"bench-{i}", Sms(i, count + offset, padding));
            pending.Add(target.Ask<object>(request, AskTimeout).ContinueWith(t =>
            {
                slots.Release();
                if (t.Result is not (SmsStored or OutgoingAccepted)) throw new InvalidOperationException($"refused: {t.Result}");
            }, TaskContinuationOptions.ExecuteSynchronously));
        }
        await Task.WhenAll(pending);
    }

    private static IncomingSms Sms(int i, int n, int padding)
    {
        var text = Texts[i % Texts.Length] + $" [msg {i + 1}/{n}]";
        if (padding > text.Length + 2) text += "\n" + new string('-', padding - text.Length - 1);
        return new IncomingSms(new SmsAddress(AddressType.International, $"+4915550{i % 100_000:D5}"),
            DateTimeOffset.UtcNow, text, "gsm-1", "operator-a", "+420600000001", 1);
    }

    /// <summary>How long an SMS text must be for its e-mail to be about <see cref="TargetMailSize"/> bytes, like the reference's.</summary>
    private static int Padding(GatewaySettings settings, string user)
    {
        var empty = IncomingSmsComposer.Compose(Sms(0, 10_000, 0) with { Text = "" }, settings.Users[user], settings.Mail.Domain,
            settings.Mail.Incoming.Subject, IncomingSmsComposer.MessageIdFor(user, "bench-0", settings.Mail.Domain)).Length;
        return Math.Max(0, TargetMailSize - empty - 2);
    }

    private static GatewaySettings Settings(Options o, string authCacheTtl, int port, int messages, IEnumerable<string>? extraUsers = null)
    {
        Directory.CreateDirectory(o.Dir);
        var iterations = o.Int("iterations", PasswordHasher.DefaultIterations);
        var hashFile = Path.Combine(o.Dir, $"hash-{iterations}.txt");
        if (!File.Exists(hashFile)) File.WriteAllText(hashFile, PasswordHasher.Hash(Password, iterations));
        var hash = File.ReadAllText(hashFile).Trim();
        var users = new[] { "bench" }.Concat(Enumerable.Range(1, SmallUsers).Select(i => $"bench{i}")).Concat(extraUsers ?? [])
            .Select(u => $"{u} {{ password-hash = \"{hash}\" }}");
        var config = Path.Combine(o.Dir, "gateway.conf");
        File.WriteAllText(config, $$"""
            gateway {
              log.level = warning
              storage.connection-string = "Data Source={{Path.Combine(o.Dir, "data", "gateway.db")}}"
              cluster { hostname = "127.0.0.1", port = 0 }
              mail {
                smtp.listen = []
                pop3.listen = [ { host = "127.0.0.1", port = {{port}}, tls = none } ]
                allow-plaintext-auth = loopback
                auth-cache-ttl = {{authCacheTtl}}
                login-throttle { max-failures = 1000 }
                pop3.max-connections = 200
                mailbox { max-messages = {{Math.Max(20_000, messages * 2)}}, max-bytes = 1G, max-pending-jobs = 100000, snapshot-every = {{o.Int("snapshot-every", 500)}} }
              }
              users {
                {{string.Join("\n    ", users)}}
              }
              sms-groups { operator-a { selection = least-busy } }
              modules {}
              routing { outgoing = [], incoming = [] }
            }
            """);
        var result = HoconFile.LoadSettings(config);
        if (!result.IsValid) throw new InvalidOperationException(string.Join("\n", result.Errors));
        return result.Settings!;
    }
}

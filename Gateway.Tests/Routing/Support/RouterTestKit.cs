using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Gateway.AutoClip;
using Gateway.Configuration;
using Gateway.Mailbox;
using Gateway.Modem;
using Gateway.Modem.Transport;
using Gateway.Modem.Virtual;
using Gateway.Routing;
using Gateway.Sms;
using Gateway.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Routing.Support;

/// <summary>
/// Actor specs of the outgoing router against real parts: the real mailbox actor on a real SQLite
/// journal (one per user, routed by user the way the shard region does), a real modem bank whose
/// modules drive virtual modems of an in-process virtual GSM network (phones, faults, status
/// reports), and the router with its sent-parts indexes on the same journal. AutoCLIP is a small
/// actor answering its contract (<see cref="AutoClipDesk"/>); status reports reach the router the
/// way the incoming side forwards them (<see cref="ReportForwarder"/>).
/// </summary>
public abstract class RouterTestKit : Akka.TestKit.Xunit2.TestKit
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    protected const string Phone = "+420777123456";

    private readonly SqliteJournal _journal;

    protected RouterTestKit(ITestOutputHelper output) : this(new SqliteJournal(), output) { }

    private RouterTestKit(SqliteJournal journal, ITestOutputHelper output)
        : base(journal.AkkaConfig.WithFallback(ConfigurationFactory.ParseString(
            RoutingSerializer.Hocon + "\n" + ModemSerializer.Hocon + "\nakka.loglevel = DEBUG\nakka.stdout-loglevel = WARNING")), output: output)
    {
        _journal = journal;
        var errors = _errors;
        var collector = Sys.ActorOf(Props.Create(() => new ErrorCollector(errors)));
        Sys.EventStream.Subscribe(collector, typeof(Akka.Event.Error));
    }

    private readonly ConcurrentQueue<string> _errors = new();

    /// <summary>Fails if any actor logged an error (a job actor that crashed and was restarted would still get its SMS out).</summary>
    protected async Task NoErrorsLoggedAsync()
    {
        await Task.Yield();
        Assert.Empty(_errors);
    }

    private sealed class ErrorCollector : ReceiveActor
    {
        public ErrorCollector(ConcurrentQueue<string> errors) =>
            Receive<Akka.Event.Error>(e => errors.Enqueue($"{e.LogSource}: {e.Message} {e.Cause}"));
    }

    protected SqliteJournal Journal => _journal;

    /// <summary>
    /// Settings with virtual modules gsm-1..gsm-<paramref name="modules"/> (SIM +42060000000n) in
    /// operator-a, one rule for every user to +420*, short timings; <paramref name="extra"/> merged over it.
    /// </summary>
    protected static GatewaySettings Settings(int modules = 2, string extra = "")
    {
        var list = string.Join("\n", Enumerable.Range(1, modules).Select(i =>
            $"gsm-{i} {{ node = \"node-a\", group = operator-a, transport = virtual, number = \"{Sim(i)}\" }}"));
        return TestSettings.Gateway($$"""
            gateway {
              modules { {{list}} }
              routing.outgoing = [ { users = ["*"], destinations = ["+420*"], groups = [operator-a] } ]
              routing.sending {
                retry-backoff-min = 100ms, retry-backoff-max = 400ms, no-module-wait = 3s,
                send-guard-margin = 2s, ack-timeout = 1s, sticky-lookup-timeout = 1s
              }
              modem {
                command-timeout = 2s, send-timeout = 3s, health-interval = 1h, dead-after-timeouts = 2,
                reopen-backoff-min = 200ms, reopen-backoff-max = 1s, close-timeout = 2s, store-confirm-timeout = 1h, open-timeout = 3s
              }
              virtual-network { send-latency = 0ms, status-reports = off, status-report-delay = 0ms }
            }
            """ + "\n" + extra); // later definitions win
    }

    protected static string Sim(int i) => $"+42060000000{i}";

    /// <summary>A job as SMTP would submit it (accepted now, by the clock given or the system's).</summary>
    protected static OutgoingSms Job(string id, string text, string to = Phone, string user = "alice", DateTimeOffset? acceptedAt = null, string? messageId = null) =>
        new(id, user, to, text, SmsCoding.Gsm7, 1, acceptedAt ?? DateTimeOffset.UtcNow, messageId, "subject of " + id, []);

    protected Rig Start(GatewaySettings settings, TimeProvider? time = null, IReadOnlyDictionary<(string User, string Number), string>? sticky = null) =>
        new(this, settings, time ?? TimeProvider.System, sticky);

    /// <summary>The parts wired together; one per test (or two, for a restart).</summary>
    protected sealed class Rig
    {
        private readonly RouterTestKit _kit;

        public GatewaySettings Settings { get; }
        public VirtualNetwork Network { get; }
        public IActorRef Router { get; private set; } = ActorRefs.Nobody;
        public IActorRef Bank { get; private set; } = ActorRefs.Nobody;
        public IActorRef Mailboxes { get; }
        public IActorRef AutoClip { get; }
        public AutoClipDesk.Book Records { get; }
        private readonly TimeProvider _time;

        internal Rig(RouterTestKit kit, GatewaySettings settings, TimeProvider time, IReadOnlyDictionary<(string, string), string>? sticky)
        {
            _kit = kit;
            Settings = settings;
            _time = time;
            Network = new VirtualNetwork(settings.VirtualNetwork);
            foreach (var m in settings.LocalModules.Where(m => m.Transport == ModuleTransport.Virtual)) Network.AddModem(m.Number!);
            Records = new AutoClipDesk.Book(sticky);
            AutoClip = kit.Sys.ActorOf(Props.Create(() => new AutoClipDesk(Records)));
            _consumer = kit.Sys.ActorOf(Props.Create(() => new Relay()));
            Mailboxes = kit.Sys.ActorOf(Props.Create(() => new MailboxesByUser(settings, _consumer, time)));
            StartRouting();
        }

        private readonly IActorRef _consumer;

        /// <summary>Starts a router and a modem bank (again, after <see cref="StopRoutingAsync"/>: a node restart for these two).</summary>
        /// <param name="network">How the router reaches the modules (default: this bank).</param>
        public void StartRouting(Func<IActorRef, IModuleNetwork>? network = null)
        {
            Router = _kit.Sys.ActorOf(SmsRouter.Props(Settings, _time));
            var forwarder = _kit.Sys.ActorOf(Props.Create(() => new ReportForwarder(Router)));
            Bank = _kit.Sys.ActorOf(ModemBank.Props(Settings.LocalModules, Settings.Modem,
                m => ModemTransports.For(m, number => Network.Modem(number)!.Connect()), forwarder, _time));
            Router.Tell(new RouterLinks(network?.Invoke(Bank) ?? new LocalModemBank(Bank), Mailboxes, AutoClip));
            _consumer.Tell(new Relay.To(Router));
        }

        public async Task StopRoutingAsync()
        {
            var routerWatch = _kit.CreateTestProbe();
            var bankWatch = _kit.CreateTestProbe();
            routerWatch.Watch(Router);
            bankWatch.Watch(Bank);
            Router.Tell(PoisonPill.Instance);
            Bank.Tell(PoisonPill.Instance);
            await routerWatch.ExpectTerminatedAsync(Router, Patience);
            await bankWatch.ExpectTerminatedAsync(Bank, Patience);
        }

        public VirtualPhone Phone(string number = RouterTestKit.Phone) => Network.Phone(number);

        public VirtualModem Modem(int i) => Network.Modem(Sim(i))!;

        /// <summary>Submits jobs to their user's mailbox, as SMTP does; returns once they are stored.</summary>
        public async Task SubmitAsync(params OutgoingSms[] jobs)
        {
            foreach (var byUser in jobs.GroupBy(j => j.User))
            {
                var reply = await Mailboxes.Ask<object>(new SubmitOutgoing(byUser.Key, Guid.NewGuid().ToString("N"), byUser.ToArray()), Patience);
                Assert.IsType<OutgoingAccepted>(reply);
            }
        }

        public async Task<OutgoingJobRecord> JobAsync(string user, string jobId) =>
            (await Mailboxes.Ask<OutgoingJobsResult>(new GetOutgoingJobs(user), Patience)).Jobs.Single(j => j.Job.JobId == jobId);

        /// <summary>Waits until the job's status is <paramref name="state"/>; returns its record.</summary>
        public async Task<OutgoingJobRecord> JobReachesAsync(string user, string jobId, JobState state)
        {
            OutgoingJobRecord? record = null;
            await _kit.AwaitAssertAsync(async () =>
            {
                record = await JobAsync(user, jobId);
                Assert.Equal(state, record.Status.State);
            }, Patience, TimeSpan.FromMilliseconds(50));
            return record!;
        }

        public async Task<IReadOnlyList<ReceivedSms>> InboxAsync(int count, string number = RouterTestKit.Phone)
        {
            using var cts = new CancellationTokenSource(Patience);
            return await Network.Phone(number).WaitForInboxAsync(count, cts.Token);
        }

        /// <summary>The e-mails in the user's mailbox (bounces, notices), read the way a POP3 session does.</summary>
        public async Task<IReadOnlyList<string>> MailsAsync(string user)
        {
            var session = _kit.CreateTestProbe();
            Mailboxes.Tell(new LockMaildrop(user, "spec-" + Guid.NewGuid().ToString("N")), session);
            var listing = (await session.ExpectMsgAsync<MaildropLocked>(Patience)).Messages;
            var mails = new List<string>();
            if (listing.Length > 0)
            {
                Mailboxes.Tell(new FetchMessages(user, [.. listing.Select(m => m.Number)]), session);
                var fetched = await session.ExpectMsgAsync<MessagesFetched>(Patience);
                mails.AddRange(fetched.Messages.Select(m => Encoding.UTF8.GetString(m.Content.AsSpan())));
            }
            Mailboxes.Tell(new ReleaseMaildrop(user), session);
            return mails;
        }

        public async Task<IReadOnlyList<string>> MailsReachAsync(string user, int count)
        {
            IReadOnlyList<string> mails = [];
            await _kit.AwaitAssertAsync(async () =>
            {
                mails = await MailsAsync(user);
                Assert.Equal(count, mails.Count);
            }, Patience, TimeSpan.FromMilliseconds(100));
            return mails;
        }

        public async Task<RouterStatus> StatusAsync() => await Router.Ask<RouterStatus>(GetRouterStatus.Instance, Patience);

        /// <summary>Waits until the router sees every module ready.</summary>
        public async Task ModulesReadyAsync(params string[] modules)
        {
            var wanted = modules.Length > 0 ? modules : Settings.LocalModules.Select(m => m.Name).ToArray();
            await _kit.AwaitAssertAsync(async () =>
            {
                var status = await StatusAsync();
                foreach (var m in wanted) Assert.Equal(ModuleState.Ready, status.Modules[m].Status?.State);
            }, Patience, TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>Forwards every offer to the current router (the mailboxes' job consumer outlives a router restart, as the registry entry does).</summary>
    private sealed class Relay : ReceiveActor
    {
        public sealed record To(IActorRef Target);

        public Relay()
        {
            IActorRef? target = null;
            Receive<To>(t => target = t.Target);
            ReceiveAny(m => target?.Forward(m));
        }
    }

    /// <summary>The real mailbox actor, one per configured user, addressed by user like the shard region; unknown users get NoSuchMailbox.</summary>
    private sealed class MailboxesByUser : ReceiveActor
    {
        public MailboxesByUser(GatewaySettings settings, IActorRef consumer, TimeProvider time)
        {
            var boxes = new Dictionary<string, IActorRef>();
            Receive<IMailboxCommand>(c =>
            {
                if (!settings.Users.TryGetValue(c.User, out var user))
                {
                    Sender.Tell(new NoSuchMailbox(c.User));
                    return;
                }
                if (!boxes.TryGetValue(c.User, out var box))
                    boxes[c.User] = box = Context.ActorOf(MailboxActor.Props(user, settings.Mail, consumer, time), c.User);
                box.Forward(c);
            });
        }
    }

    /// <summary>What the incoming side does with status reports: forward them to the outgoing router. Received SMS are left unconfirmed.</summary>
    public sealed class ReportForwarder : ReceiveActor
    {
        public ReportForwarder(IActorRef router)
        {
            Receive<StatusReportReceived>(r => router.Forward(r));
            Receive<Gateway.Modem.IncomingSms>(_ => { });
        }
    }

    /// <summary>
    /// Answers the AutoCLIP contract from a dictionary (what AutoCLIP is, is not what these specs
    /// test): sticky lookups from the planted and recorded entries, records acknowledged and kept.
    /// </summary>
    public sealed class AutoClipDesk : ReceiveActor
    {
        public sealed class Book(IReadOnlyDictionary<(string User, string Number), string>? planted)
        {
            public ConcurrentDictionary<(string User, string Number), string> Sticky { get; } = new(planted ?? new Dictionary<(string, string), string>());

            public ConcurrentQueue<RecordAutoClip> Recorded { get; } = new();
        }

        public AutoClipDesk(Book book)
        {
            Receive<LookupStickyModule>(l => Sender.Tell(new StickyModule(l.User, l.Number, book.Sticky.GetValueOrDefault((l.User, l.Number)))));
            Receive<RecordAutoClip>(r =>
            {
                book.Recorded.Enqueue(r);
                book.Sticky[(r.User, r.Number)] = r.Module;
                Sender.Tell(new AutoClipRecorded(r.Number, r.Module));
            });
        }
    }

    /// <summary>An e-mail from the mailbox, parsed as a mail client would.</summary>
    protected static MimeKit.MimeMessage Mail(string raw) => MimeKit.MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw)));

    /// <summary>The modules named by the job's history steps of <paramref name="state"/>, oldest first.</summary>
    protected static string[] Modules(OutgoingJobRecord record, JobState state) =>
        [.. record.History.Where(h => h.State == state).Select(h => h.Module!)];
}

using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Gateway.Configuration;
using Gateway.Mailbox;
using Gateway.Modem;

namespace Gateway.Host.Hosting;

/// <summary>
/// Wiring for the users' mailboxes: the shard region (registered as <see cref="MailboxRegion"/>),
/// the serializer binding for mailbox events and messages, and a wake-up for every configured
/// user at start so queued jobs are offered again after a crash.
/// </summary>
public static class MailboxHosting
{
    /// <summary>
    /// Starts the mailbox shard region. The outgoing-job consumer must be registered before this
    /// call (<see cref="OutgoingJobConsumer"/>; see <see cref="WithPlaceholderJobConsumer"/>).
    /// Idle passivation is left to the mailbox itself (it must not be stopped while a POP3 session
    /// holds its lock or jobs wait to be offered); a hand-off to another node stops it only after
    /// its writes under way are stored and answered. Entities are remembered (event-sourced), so
    /// mailboxes with pending jobs start again on a surviving node when theirs dies.
    /// </summary>
    public static AkkaConfigurationBuilder WithMailboxes(this AkkaConfigurationBuilder akka, GatewaySettings settings, TimeProvider? time = null)
    {
        // A maildrop listing or a batch of message contents can cross the cluster in one message.
        var frame = Math.Max(4L * 1024 * 1024, 2 * settings.Mail.MaxMessageSize + 1024 * 1024);
        akka.AddHocon(ConfigurationFactory.ParseString($$"""
            {{MailboxSerializer.Hocon}}
            akka.remote.dot-netty.tcp {
              maximum-frame-size = {{frame}}b
            }
            """), HoconAddMode.Prepend);

        akka.WithShardRegion<MailboxRegion>(
            MailboxSharding.TypeName,
            (_, registry, _) => MailboxSharding.EntityProps(settings, registry.Get<OutgoingJobConsumer>(), time),
            MailboxSharding.Extractor,
            new ShardOptions
            {
                ShouldPassivateIdleEntities = false,
                HandOffStopMessage = MailboxActor.StopMailbox.Instance,
                // A mailbox is remembered from its start until it passivates, which it does only
                // with no job pending and no POP3 lock: when a node dies, the mailboxes it hosted
                // with pending jobs start again on a survivor at once and offer their jobs to its
                // router. The journal keeps the list (the DData store's LightningDB crashes here).
                RememberEntities = true,
                RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
            });

        return akka.AddStartup((_, registry) =>
        {
            var region = registry.Get<MailboxRegion>();
            foreach (var user in settings.Users.Keys) region.Tell(new WakeMailbox(user));
        });
    }

    /// <summary>
    /// Registers a consumer of outgoing jobs that only logs them (there is no SMS router yet): jobs
    /// stay queued and are offered again every <c>mail.mailbox.job-reoffer-after</c>.
    /// </summary>
    public static AkkaConfigurationBuilder WithPlaceholderJobConsumer(this AkkaConfigurationBuilder akka) =>
        akka.WithActors((system, registry) =>
            registry.TryRegister<OutgoingJobConsumer>(system.ActorOf(Props.Create(() => new PlaceholderJobConsumer()), "outgoing-jobs")));

    /// <summary>
    /// Logs each job the first time it is offered (re-offers at debug); takes none of them. Status
    /// reports (the incoming router passes them to the outgoing-job consumer) are logged.
    /// </summary>
    private sealed class PlaceholderJobConsumer : ReceiveActor
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public PlaceholderJobConsumer()
        {
            var log = Context.GetLogger();
            Receive<OutgoingJobQueued>(q =>
            {
                if (_seen.Count > 100_000) _seen.Clear();
                if (_seen.Add(q.Job.JobId))
                    log.Info("outgoing job {0} of {1} to {2} ({3} part(s)) is queued; there is no SMS router yet, so it stays queued",
                        q.Job.JobId, q.Job.User, q.Job.Destination, q.Job.Parts);
                else log.Debug("outgoing job {0} offered again", q.Job.JobId);
            });
            Receive<StatusReportReceived>(r =>
                log.Info("{0}: status report for TP-MR {1} (job {2}): {3}, status 0x{4:X2}", r.Module, r.Report.MessageReference,
                    r.JobId ?? "unknown", r.Report.Outcome, r.Report.Status));
        }
    }
}

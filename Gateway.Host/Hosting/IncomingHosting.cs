using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Pattern;
using Gateway.AutoClip;
using Gateway.Configuration;
using Gateway.Mailbox;
using Gateway.Routing.Incoming;

namespace Gateway.Host.Hosting;

/// <summary>
/// Wiring for the incoming side of this node: its <see cref="IncomingLedger"/> (kept records of
/// dropped, unmatched and undecodable SMS) under a back-off supervisor, registered as
/// <see cref="IncomingLedgerKey"/>, and its <see cref="IncomingRouter"/>, registered as
/// <see cref="IncomingRouterKey"/>, which the modem bank takes as its owner. Needs the mailbox
/// region, the AutoCLIP front and the outgoing-job consumer (the outgoing router, which also
/// takes the status reports) registered first.
/// </summary>
public static class IncomingHosting
{
    public static AkkaConfigurationBuilder WithIncomingRouting(this AkkaConfigurationBuilder akka, GatewaySettings settings, TimeProvider? time = null)
    {
        akka.AddHocon(ConfigurationFactory.ParseString(IncomingSerializer.Hocon), HoconAddMode.Prepend);
        return akka.WithActors((system, registry) =>
        {
            var ledger = system.ActorOf(BackoffSupervisor.Props(Backoff.OnStop(
                IncomingLedger.Props(settings.NodeName, settings.Routing.KeptRecords), "ledger",
                TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2)), "incoming-ledger");
            registry.Register<IncomingLedgerKey>(ledger);
            var router = system.ActorOf(IncomingRouter.Props(settings, registry.Get<MailboxRegion>(), registry.Get<AutoClipRegion>(),
                ledger, registry.Get<OutgoingJobConsumer>(), time), "incoming-router");
            registry.Register<IncomingRouterKey>(router);
        });
    }
}

using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Gateway.Accounts;
using Gateway.AutoClip;
using Gateway.Clustering;
using Gateway.Configuration;
using Gateway.Mailbox;
using Gateway.Modem;
using Gateway.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Hosting;

/// <summary>
/// Wiring for outgoing routing: the SMS router (<c>/user/sms-router</c>, registered as
/// <see cref="OutgoingRouter"/> and as the mailboxes' <see cref="OutgoingJobConsumer"/>), the
/// serializer of its sent-parts indexes, and the SMTP side's rule check (<see cref="RoutingPermissions"/>).
/// The router is created before the mailboxes and the modem bank (they need it) and is told where
/// they are once the actor system has started them all.
/// </summary>
public static class RoutingHosting
{
    /// <summary>The outgoing rules as the SMTP side asks them at RCPT and at the end of DATA.</summary>
    public static IServiceCollection AddOutgoingRules(this IServiceCollection services, GatewaySettings settings) =>
        services.AddSingleton<IOutgoingPermissions>(sp => RoutingPermissions.From(settings, sp.GetService<TimeProvider>()));

    /// <summary>Starts the SMS router; must come before <c>WithMailboxes</c>.</summary>
    public static AkkaConfigurationBuilder WithSmsRouter(this AkkaConfigurationBuilder akka, GatewaySettings settings, TimeProvider time)
    {
        akka.AddHocon(ConfigurationFactory.ParseString(RoutingSerializer.Hocon), HoconAddMode.Prepend);
        akka.WithActors((system, registry) =>
        {
            var router = system.ActorOf(SmsRouter.Props(settings, time), "sms-router");
            registry.Register<OutgoingRouter>(router);
            registry.TryRegister<OutgoingJobConsumer>(router);
        });
        return akka.AddStartup((_, registry) =>
        {
            var router = registry.Get<OutgoingRouter>();
            var autoClip = registry.TryGet<AutoClipRegion>(out var region) ? region : null; // until AutoCLIP is wired: no sticky routing
            var modules = new ClusterModuleNetwork(registry.Get<ModemBank>(), registry.Get<ModuleRegistryKey>(), settings.LocalModules.Select(m => m.Name));
            router.Tell(new RouterLinks(modules, registry.Get<MailboxRegion>(), autoClip));
        });
    }
}

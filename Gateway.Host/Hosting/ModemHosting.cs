using System.Collections.Immutable;
using Akka.Configuration;
using Akka.Hosting;
using Gateway.Clustering;
using Gateway.Configuration;
using Gateway.Modem;
using Gateway.Modem.Transport;
using Gateway.Modem.Virtual;
using Gateway.Routing.Incoming;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Hosting;

/// <summary>
/// Starts this node's modem bank (<c>/user/modem-bank</c>, registered as <see cref="ModemBank"/>
/// in the actor registry): one GSM module per module whose <c>node</c> is this node; virtual
/// modules open their modem in the node's in-process <see cref="VirtualNetwork"/>. Received SMS
/// and status reports go to the node's incoming router (<see cref="IncomingRouterKey"/>, which
/// must be registered first; it passes status reports on to the outgoing router). Beside the bank,
/// the node's part of the cluster-wide module registry (<c>/user/module-registry</c>, registered
/// as <see cref="ModuleRegistryKey"/>) publishes the bank's modules to the other nodes.
/// </summary>
public static class ModemHosting
{
    public static AkkaConfigurationBuilder WithModemBank(this AkkaConfigurationBuilder akka, GatewaySettings settings, IServiceProvider services)
    {
        var modules = settings.LocalModules.ToImmutableArray();
        Func<string, Stream>? connectVirtual = modules.Any(m => m.Transport == ModuleTransport.Virtual)
            ? number => (services.GetRequiredService<VirtualNetwork>().Modem(number) ?? throw new InvalidOperationException($"no virtual modem {number}")).Connect()
            : null;
        // The SIMs' usage counters (modules.<name>.limits) are journaled with the modem part's serializer.
        akka.AddHocon(ConfigurationFactory.ParseString(ModemSerializer.Hocon), HoconAddMode.Prepend);
        // The cluster-wide module registry: its replicated entries and messages, and how fast it gossips.
        akka.AddHocon(ConfigurationFactory.ParseString(ModuleRegistrySerializer.Hocon + "\n" + settings.ModuleRegistry.Hocon), HoconAddMode.Prepend);
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        return akka.WithActors((system, registry) =>
        {
            var owner = registry.Get<IncomingRouterKey>();
            var bank = system.ActorOf(ModemBank.Props(modules, settings.Modem, m => ModemTransports.For(m, connectVirtual), owner, time), "modem-bank");
            registry.Register<ModemBank>(bank);
            registry.Register<ModuleRegistryKey>(system.ActorOf(ModuleRegistry.Props(settings.NodeName, modules, bank, settings.ModuleRegistry,
                registry.TryGet<Gateway.Routing.OutgoingRouter>(out var router) ? router : null), "module-registry"));
        });
    }
}

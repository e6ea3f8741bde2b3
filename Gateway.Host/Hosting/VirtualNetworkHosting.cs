using Gateway.Configuration;
using Gateway.Modem.Virtual;
using Gateway.Modem.Virtual.Control;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Host.Hosting;

/// <summary>
/// The node's in-process virtual GSM network: one <see cref="VirtualNetwork"/> per process, with a
/// modem and SIM for every <c>transport = virtual</c> module this node drives (its <c>number</c>,
/// and its <c>pin</c> as the SIM's PIN, so the driver's PIN path runs too). When
/// <c>virtual-network.control-port</c> is set, the control line listens there on 127.0.0.1 so a
/// newcomer can answer from a virtual phone. Modules driven by other nodes live in those nodes'
/// networks: SMS between two nodes' virtual SIMs do not cross processes.
/// </summary>
public static class VirtualNetworkHosting
{
    public static IServiceCollection AddVirtualNetwork(this IServiceCollection services, GatewaySettings settings)
    {
        services.AddSingleton(sp =>
        {
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Modem.Virtual");
            var network = new VirtualNetwork(settings.VirtualNetwork, TimeProvider.System, log);
            foreach (var module in settings.LocalModules.Where(m => m.Transport == ModuleTransport.Virtual))
                network.AddModem(module.Number!, new VirtualSimOptions(Pin: module.Pin));
            return network;
        });
        if (settings.VirtualNetwork.ControlPort > 0) services.AddHostedService<VirtualNetworkControlLine>();
        return services;
    }

    /// <summary>Runs the control line for the host's lifetime; a taken port stops the node from starting.</summary>
    private sealed class VirtualNetworkControlLine(VirtualNetwork network, GatewaySettings settings, ILoggerFactory logs) : IHostedService
    {
        private ControlServer? _server;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            var log = logs.CreateLogger("Gateway.Modem.Virtual.Control");
            _server = new ControlServer(network, log: log);
            var endpoint = _server.Start(settings.VirtualNetwork.ControlPort);
            log.LogInformation("virtual network control line on {Endpoint} (HELP lists the commands)", endpoint);
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (_server is not null) await _server.DisposeAsync();
        }
    }
}

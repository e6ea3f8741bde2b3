using System.Net;
using Akka.Actor;
using Akka.Hosting;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Mail;
using Gateway.Mail.Pop3;
using Gateway.Mailbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gateway.Host.Hosting;

/// <summary>
/// Starts the node's POP3 server (<see cref="Pop3Server"/>) once the actor system and the mailbox
/// region are up, on every <c>mail.pop3.listen</c> socket, and stops it first on shutdown.
/// Wiring only; <see cref="Endpoints"/> tells tests and logs which ports were bound (port 0 = any).
/// </summary>
public sealed class Pop3Service(GatewaySettings settings, IServiceProvider provider) : IHostedService
{
    private IActorRef? _server;

    /// <summary>The bound addresses, in the order of <c>mail.pop3.listen</c>; empty until started.</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.Mail.Pop3Listen.Count == 0) return;
        // Resolved here, not in the constructor: the actor system exists once Akka's own hosted service has started.
        var system = provider.GetRequiredService<ActorSystem>();
        var accounts = provider.GetRequiredService<AccountDirectory>();
        var mailboxes = await provider.GetRequiredService<IReadOnlyActorRegistry>().GetAsync<MailboxRegion>(cancellationToken);
        var listeners = Pop3Server.Bind(settings.Mail.Pop3Listen);
        Endpoints = listeners.Select(l => l.Endpoint).ToArray();
        var services = new Pop3Services(settings.Mail, accounts, mailboxes, MailSecurity.LoadCertificate(settings.Mail.Tls));
        _server = system.ActorOf(Pop3Server.Props(listeners, services), "pop3");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is null) return;
        try
        {
            await _server.GracefulStop(TimeSpan.FromSeconds(5));
        }
        catch (TaskCanceledException)
        {
            // the actor system is already shutting down
        }
    }
}

public static class Pop3Hosting
{
    /// <summary>Registers the POP3 server; call after AddAkka so it starts after the actor system.</summary>
    public static IServiceCollection AddPop3(this IServiceCollection services)
    {
        services.AddSingleton<Pop3Service>();
        return services.AddHostedService(sp => sp.GetRequiredService<Pop3Service>());
    }
}

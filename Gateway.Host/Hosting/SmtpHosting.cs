using Akka.Actor;
using Akka.Hosting;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Mail.Smtp;
using Gateway.Mailbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Host.Hosting;

/// <summary>Wires SMTP submission (<see cref="SmtpSubmissionServer"/>) into the host.</summary>
public static class SmtpHosting
{
    /// <summary>
    /// Runs the <c>mail.smtp.listen</c> listeners once the actor system and the mailbox shard region
    /// are up, and stops them before the actor system stops. A node without a mailbox region logs
    /// an error and runs without SMTP rather than failing as a whole. Registers the allow-everything
    /// <see cref="IOutgoingPermissions"/> unless something (the routing rules) registered one before.
    /// </summary>
    public static IServiceCollection AddSmtpSubmission(this IServiceCollection services)
    {
        services.TryAddSingleton<IOutgoingPermissions>(AllowEveryDestination.Instance);
        services.AddSingleton<SmtpListeners>();
        services.AddHostedService<SmtpSubmissionService>();
        return services;
    }

    /// <summary>Where this node's SMTP listeners are bound (empty until the host has started, or when SMTP did not start).</summary>
    public sealed class SmtpListeners
    {
        public IReadOnlyList<SmtpEndpoint> Endpoints { get; internal set; } = [];
    }

    /// <summary>How long start-up waits for the mailbox region to be registered before it gives up on SMTP.</summary>
    private static readonly TimeSpan MailboxWait = TimeSpan.FromSeconds(10);

    private sealed class SmtpSubmissionService(IServiceProvider services, ILogger<SmtpSubmissionServer> log) : IHostedService
    {
        private SmtpSubmissionServer? _server;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var settings = services.GetRequiredService<GatewaySettings>();
            if (settings.Mail.SmtpListen.Count == 0) return;
            var system = services.GetRequiredService<ActorSystem>();
            var registry = services.GetRequiredService<ActorRegistry>();
            IActorRef mailbox;
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                wait.CancelAfter(MailboxWait);
                try
                {
                    // Registered while the actor system starts, before this service runs; the wait only covers a slow start.
                    mailbox = await registry.GetAsync<MailboxRegion>(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    if (!cancellationToken.IsCancellationRequested)
                        log.LogError("SMTP not started: this node has no mailbox shard region (ActorRegistry key {Key}) to store mail in", nameof(MailboxRegion));
                    return;
                }
            }
            _server = SmtpSubmissionServer.Start(system, settings, services.GetRequiredService<AccountDirectory>(), mailbox,
                services.GetRequiredService<IOutgoingPermissions>(), services.GetService<TimeProvider>());
            services.GetRequiredService<SmtpListeners>().Endpoints = _server.Endpoints;
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (_server is not null) await _server.DisposeAsync();
        }
    }
}

using Akka.Actor;
using Akka.Hosting;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Mail.Smtp;
using Gateway.Mailbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Gateway.Host.Hosting;

/// <summary>Wires SMTP submission (<see cref="SmtpSubmissionServer"/>) into the host.</summary>
public static class SmtpHosting
{
    /// <summary>
    /// Runs the <c>mail.smtp.listen</c> listeners once the actor system and the mailbox shard region
    /// are up, and stops them before the actor system stops. Registers the allow-everything
    /// <see cref="IOutgoingPermissions"/> unless something (the routing rules) registered one before.
    /// </summary>
    public static IServiceCollection AddSmtpSubmission(this IServiceCollection services)
    {
        services.TryAddSingleton<IOutgoingPermissions>(AllowEveryDestination.Instance);
        services.AddHostedService<SmtpSubmissionService>();
        return services;
    }

    /// <summary>How long start-up waits for the mailbox region to be registered before giving up.</summary>
    private static readonly TimeSpan MailboxWait = TimeSpan.FromSeconds(30);

    private sealed class SmtpSubmissionService(IServiceProvider services) : IHostedService
    {
        private SmtpSubmissionServer? _server;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var settings = services.GetRequiredService<GatewaySettings>();
            var system = services.GetRequiredService<ActorSystem>();
            var registry = services.GetRequiredService<ActorRegistry>();
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(MailboxWait);
            IActorRef mailbox;
            try
            {
                mailbox = await registry.GetAsync<MailboxRegion>(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException(
                    $"SMTP cannot start: no mailbox shard region (ActorRegistry key {nameof(MailboxRegion)}) was registered within {MailboxWait.TotalSeconds} s");
            }
            _server = SmtpSubmissionServer.Start(system, settings, services.GetRequiredService<AccountDirectory>(), mailbox,
                services.GetRequiredService<IOutgoingPermissions>());
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (_server is not null) await _server.DisposeAsync();
        }
    }
}

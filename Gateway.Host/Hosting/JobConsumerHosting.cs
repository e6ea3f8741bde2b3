using Akka.Hosting;
using Gateway.Configuration;
using Gateway.Mailbox;
using Gateway.Routing;

namespace Gateway.Host.Hosting;

/// <summary>Registers the outgoing-job consumer <c>routing.job-consumer</c> names, before the mailboxes start.</summary>
public static class JobConsumerHosting
{
    public static AkkaConfigurationBuilder WithJobConsumer(this AkkaConfigurationBuilder akka, GatewaySettings settings, TimeProvider time) =>
        settings.Routing.JobConsumer switch
        {
            JobConsumerKind.Router => akka.WithSmsRouter(settings, time),
            JobConsumerKind.Sink => akka.WithActors((system, registry) =>
                registry.TryRegister<OutgoingJobConsumer>(system.ActorOf(JobSink.Props(), "outgoing-jobs"))),
            _ => akka.WithPlaceholderJobConsumer(),
        };
}

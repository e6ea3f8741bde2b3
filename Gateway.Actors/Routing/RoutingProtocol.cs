using System.Collections.Immutable;
using Akka.Actor;

namespace Gateway.Routing;

// The messages other parts exchange with the outgoing SMS router. Besides these it takes
// OutgoingJobQueued (from the mailboxes), ModuleStatus (from the module network it subscribes to)
// and StatusReportReceived (forwarded by the incoming side, which owns the modem bank).

/// <summary>
/// Where the router finds the actors it works with; sent once when the node has started them
/// all (they are created after the router: the mailboxes need the router as their job consumer,
/// the modem bank needs the incoming side, which needs the router). Until then the router stashes
/// what it gets.
/// </summary>
/// <param name="Modules">The modules it sends through and whose status it follows.</param>
/// <param name="Mailboxes">The mailbox shard region (job progress, bounces and notices).</param>
/// <param name="AutoClip">The AutoCLIP region (sticky lookups, records after a send); null = sticky conversations off.</param>
public sealed record RouterLinks(IModuleNetwork Modules, IActorRef Mailboxes, IActorRef? AutoClip);

/// <summary>
/// The modules as the router reaches them: who publishes their status and where a send goes. This
/// node's modem bank today (<see cref="LocalModemBank"/>); a cluster-wide view later.
/// </summary>
public interface IModuleNetwork
{
    /// <summary>Asks for every module's <c>ModuleStatus</c> now and on every change, to <paramref name="subscriber"/>.</summary>
    void Subscribe(IActorRef subscriber);

    /// <summary>Where a <c>SendSms</c> for <paramref name="module"/> goes; the module answers the sender.</summary>
    IActorRef SendTarget(string module);
}

/// <summary>The modules of this node's modem bank: it publishes their statuses and forwards sends by module name.</summary>
public sealed class LocalModemBank(IActorRef bank) : IModuleNetwork
{
    public void Subscribe(IActorRef subscriber) => bank.Tell(new Modem.SubscribeModuleStatus(subscriber), subscriber);

    public IActorRef SendTarget(string module) => bank;
}

/// <summary>Asks the router how it sees the modules and how many jobs it holds; answered with <see cref="RouterStatus"/>.</summary>
public sealed class GetRouterStatus
{
    public static GetRouterStatus Instance { get; } = new();

    private GetRouterStatus() { }
}

/// <param name="Modules">Every configured module with its last status and the jobs handed to it.</param>
/// <param name="ActiveJobs">Jobs the router is working on (choosing, sending, waiting, finishing their records).</param>
/// <param name="WaitingForModule">Jobs waiting for a module of their group to have room.</param>
public sealed record RouterStatus(ImmutableSortedDictionary<string, ModuleView> Modules, int ActiveJobs, int WaitingForModule);

/// <summary>Key for the outgoing SMS router in Akka.Hosting's ActorRegistry (also registered as the mailboxes' <c>OutgoingJobConsumer</c>).</summary>
public sealed class OutgoingRouter;

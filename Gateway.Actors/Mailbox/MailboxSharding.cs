using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Gateway.Configuration;

namespace Gateway.Mailbox;

/// <summary>
/// How mailboxes are sharded: the entity id is the user's short name (<see cref="IMailboxCommand.User"/>);
/// users configured in <c>gateway.users</c> get a <see cref="MailboxActor"/>, anyone else an
/// <see cref="UnknownUserMailbox"/> that refuses and logs (no journal is ever written for them).
/// </summary>
public static class MailboxSharding
{
    /// <summary>The shard region's type name; every node must use the same.</summary>
    public const string TypeName = "mailbox";

    /// <summary>Shards per cluster: ten times a generous node count, as Akka's documentation advises.</summary>
    public const int ShardCount = 100;

    public static IMessageExtractor Extractor { get; } = new MailboxMessageExtractor();

    /// <summary>The props factory for the shard region.</summary>
    public static Func<string, Props> EntityProps(GatewaySettings settings, IActorRef jobConsumer, TimeProvider? time = null) =>
        user => settings.Users.TryGetValue(user, out var account)
            ? MailboxActor.Props(account, settings.Mail, jobConsumer, time)
            : UnknownUserMailbox.Props(user);

    private sealed class MailboxMessageExtractor() : HashCodeMessageExtractor(ShardCount)
    {
        public override string? EntityId(object message) => (message as IMailboxCommand)?.User;
    }
}

/// <summary>
/// Stands in for the mailbox of a user who is not configured: every command is refused with a
/// reason and logged, nothing is stored, and the actor leaves as soon as it is idle.
/// </summary>
public sealed class UnknownUserMailbox : ReceiveActor
{
    public static Props Props(string user) => Akka.Actor.Props.Create(() => new UnknownUserMailbox(user));

    public UnknownUserMailbox(string user)
    {
        var log = Context.GetLogger();
        var reason = $"there is no user \"{user}\" in gateway.users, so no mailbox";
        Receive<WakeMailbox>(_ => { });
        Receive<IMailboxCommand>(c =>
        {
            log.Warning("refused {0} for {1}: {2}", c.GetType().Name, user, reason);
            if (Refusal(c, reason) is { } refusal) Sender.Tell(refusal);
        });
        Receive<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(PoisonPill.Instance)));
        Context.SetReceiveTimeout(TimeSpan.FromSeconds(10));
    }

    /// <summary>The refusal a requester of <paramref name="command"/> understands, or null for commands without a reply.</summary>
    public static object? Refusal(IMailboxCommand command, string reason) => command switch
    {
        SubmitOutgoing c => new OutgoingRefused(c.SubmissionId, reason),
        DeliverSms c => new DeliveryFailed(c.DeliveryId, reason),
        DeliverMail c => new DeliveryFailed(c.DeliveryId, reason),
        RecordJobProgress c => new JobProgressRefused(c.JobId, reason),
        ReleaseMaildrop or WakeMailbox => null,
        _ => new NoSuchMailbox(command.User),
    };
}

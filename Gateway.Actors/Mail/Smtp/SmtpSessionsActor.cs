using Akka.Actor;
using Akka.Event;

namespace Gateway.Mail.Smtp;

/// <summary>
/// Parent of this node's SMTP session actors, one per open connection. It exists so that sessions
/// are supervised as a group: a session that throws is stopped and logged, never restarted with
/// half its state (the hooks then see their Ask time out and answer 451).
/// </summary>
public sealed class SmtpSessionsActor : ReceiveActor
{
    public SmtpSessionsActor(SmtpSessionActor.Shared shared)
    {
        Receive<OpenSession>(m =>
        {
            var session = Context.ActorOf(SmtpSessionActor.Props(shared, m.Client, m.Listener), $"session-{m.SessionId:N}");
            Sender.Tell(new SessionOpened(m.SessionId, session));
        });
    }

    public static Props Props(SmtpSessionActor.Shared shared) => Akka.Actor.Props.Create(() => new SmtpSessionsActor(shared));

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(e =>
        {
            Context.GetLogger().Error(e, "SMTP session failed; it is stopped and its client will get 451");
            return Directive.Stop;
        });
}

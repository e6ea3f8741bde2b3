using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;

namespace Gateway.Mailbox;

// The inbox: incoming SMS (composed as e-mails) and mail the gateway writes itself.
public sealed partial class MailboxActor
{
    private void OnDeliverSms(DeliverSms c)
    {
        if (RepeatedDelivery(c.DeliveryId, uid => new SmsStored(c.DeliveryId, uid))) return;
        ImmutableArray<byte> content;
        try
        {
            content = IncomingSmsComposer.Compose(c.Sms, _user, _mail.Domain, _mail.Incoming.Subject,
                IncomingSmsComposer.MessageIdFor(User, c.DeliveryId, _mail.Domain));
        }
        catch (Exception e)
        {
            _log.Error(e, "mailbox {0}: could not write SMS {1} from {2} as an e-mail; it stays on the SIM", User, c.DeliveryId, c.Sms.Sender);
            Sender.Tell(new DeliveryFailed(c.DeliveryId, $"could not write the SMS as an e-mail: {e.Message}"));
            return;
        }
        Deliver(c.DeliveryId, content, uid => new SmsStored(c.DeliveryId, uid), $"SMS {c.DeliveryId} from {c.Sms.Sender} (module {c.Sms.Module})");
    }

    private void OnDeliverMail(DeliverMail c)
    {
        if (RepeatedDelivery(c.DeliveryId, uid => new MailStored(c.DeliveryId, uid))) return;
        if (c.Message.IsDefaultOrEmpty)
        {
            Sender.Tell(new DeliveryFailed(c.DeliveryId, "the message is empty"));
            return;
        }
        Deliver(c.DeliveryId, MessageBytes.NormalizeLineEndings(c.Message.AsSpan()), uid => new MailStored(c.DeliveryId, uid),
            $"gateway mail {c.DeliveryId}");
    }

    /// <summary>A re-offer of something already stored is answered with the first copy's uid (once that copy is in the journal).</summary>
    private bool RepeatedDelivery(string deliveryId, Func<string, object> stored)
    {
        if (!_state.DeliveryIds.TryGetValue(deliveryId, out var uid)) return false;
        _log.Debug("mailbox {0}: delivery {1} is already stored as {2}", User, deliveryId, uid);
        ReplyOnceStored(Sender, stored(uid));
        return true;
    }

    private void Deliver(string deliveryId, ImmutableArray<byte> content, Func<string, object> stored, string what)
    {
        var replyTo = Sender;
        switch (_state.DecideDelivery(deliveryId, content, _time.GetUtcNow(), _limits))
        {
            case DeliveryDecision.AlreadyStored a:
                ReplyOnceStored(replyTo, stored(a.Uid));
                break;
            case DeliveryDecision.Full full:
                _log.Warning("mailbox {0} is full: {1}. {2} waits until the user deletes mail", User, full.Reason, what);
                replyTo.Tell(new MailboxFull(deliveryId, full.Reason));
                break;
            case DeliveryDecision.Store s:
                Store(s.Event, replyTo, new DeliveryFailed(deliveryId, "the mailbox could not store it (journal failure)"), e =>
                {
                    _log.Debug("mailbox {0}: stored {1} as {2} ({3} bytes)", User, what, e.Message.Uid, e.Message.Size);
                    replyTo.Tell(stored(e.Message.Uid));
                });
                break;
        }
    }
}

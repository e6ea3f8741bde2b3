using Akka.Actor;
using Akka.Event;
using Gateway.AutoClip;
using Gateway.Configuration;
using Gateway.Mailbox;
using Gateway.Modem;
using Gateway.Sms;
using MailSms = Gateway.Mailbox.IncomingSms;

namespace Gateway.Routing.Incoming;

// Delivery: decide where a routed message goes, store it there (one request in flight), retry
// with back-off while it cannot be stored, and confirm its receipts once it is stored.
//
//   Start ─► AskingAutoClip ──ReplyOwner──► (decided) ─► Storing ──stored──► confirmed, forgotten
//                 │ no answer: ask again                    │ refused / no answer
//                 ▼                                         ▼
//           AskingAutoClip                            WaitingToRetry ──back-off──► Storing
public sealed partial class IncomingRouter
{
    private enum Stage { AskingAutoClip, Storing, WaitingToRetry }

    /// <summary>Timer for one delivery: its current step (an AutoCLIP question, a store request or a back-off) is over.</summary>
    private sealed record DeliveryDue(string DeliveryId, int Step);

    /// <summary>Not a rule's decision: an undecodable PDU is always kept as a record.</summary>
    private sealed record KeepUndecodable : IncomingDecision
    {
        public static readonly KeepUndecodable Instance = new();

        public override string Describe() => "kept as a record (undecodable)";
    }

    /// <summary>One message being stored; owned by this actor only.</summary>
    private sealed class Delivery(RoutedSms sms)
    {
        public RoutedSms Sms { get; } = sms;

        /// <summary>Every receipt to confirm once stored: the parts, and network duplicates that joined.</summary>
        public List<string> Receipts { get; } = [.. sms.Receipts];

        public IncomingDecision? Decision { get; set; }
        public Stage Stage { get; set; }
        public int Tries { get; set; }
        public int Step { get; set; }
        public string? LastRefusal { get; set; }
    }

    private readonly Dictionary<string, Delivery> _deliveries = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Module, ConcatKey Key), Delivery> _deliveryByKey = new();
    private readonly Dictionary<(string Number, string Module), List<Delivery>> _lookups = new();

    private void ReceiveDelivery()
    {
        Receive<ReplyOwner>(OnReplyOwner);
        Receive<SmsStored>(s => OnStored(s.DeliveryId, $"stored as {s.Uid}"));
        Receive<SmsKept>(k => OnStored(k.DeliveryId, "recorded"));
        Receive<MailboxFull>(f => OnRefused(f.DeliveryId, $"the mailbox is full ({f.Reason})"));
        Receive<DeliveryFailed>(f => OnRefused(f.DeliveryId, f.Reason));
        Receive<SmsNotKept>(f => OnRefused(f.DeliveryId, f.Reason));
        Receive<DeliveryDue>(OnDue);
    }

    private Delivery? DeliveryOfKey(string module, ConcatKey key) => _deliveryByKey.GetValueOrDefault((module, key));

    private void Start(RoutedSms sms)
    {
        if (_deliveries.ContainsKey(sms.DeliveryId))
        {
            _log.Warning("{0} is already being stored; not started twice", sms.Describe());
            return;
        }
        var delivery = new Delivery(sms);
        _deliveries[sms.DeliveryId] = delivery;
        if (sms.Key is { } key)
        {
            if (_duplicates.Remove((sms.Module, key), out var copies)) delivery.Receipts.AddRange(copies);
            _deliveryByKey[(sms.Module, key)] = delivery;
        }
        if (sms.IsUndecodable)
        {
            Decided(delivery, KeepUndecodable.Instance);
            return;
        }
        Decide(delivery, null);
    }

    private void Decide(Delivery d, AutoClipAnswer? answer)
    {
        var sms = d.Sms;
        var facts = new IncomingSmsFacts(sms.Sender!, IncomingSmsFacts.NumberOf(sms.Sender!, _settings.Mail.DefaultCountryCode),
            sms.Module, sms.Group, sms.Text, _time.GetLocalNow().DateTime);
        var decision = IncomingRules.Decide(_routing, facts, answer);
        if (decision is LookUpAutoClip ask)
        {
            d.Stage = Stage.AskingAutoClip;
            var key = (ask.Number, sms.Module);
            if (!_lookups.TryGetValue(key, out var waiting)) _lookups[key] = waiting = [];
            if (!waiting.Contains(d)) waiting.Add(d);
            _autoClip.Tell(new LookupReplyOwner(ask.Number, sms.Module));
            NextStep(d, _routing.AnswerTimeout);
            return;
        }
        Decided(d, decision);
    }

    private void Decided(Delivery d, IncomingDecision decision)
    {
        d.Decision = decision;
        _log.Info("{0}: {1}", d.Sms.Describe(), decision.Describe());
        Store(d);
    }

    private void OnReplyOwner(ReplyOwner owner)
    {
        if (!_lookups.Remove((owner.Number, owner.Module), out var waiting)) return;
        var user = owner.User;
        if (user is not null && !_settings.Users.ContainsKey(user))
        {
            // A record written for a user since removed from the configuration: no mailbox could ever take the SMS.
            _log.Warning("AutoCLIP names {0} for {1} via {2}, but there is no such user now; the next rule decides", user, owner.Number, owner.Module);
            user = null;
        }
        foreach (var d in waiting)
            if (d.Stage == Stage.AskingAutoClip && _deliveries.ContainsKey(d.Sms.DeliveryId))
                Decide(d, new AutoClipAnswer(user));
    }

    /// <summary>Sends the one store request of this try: to the user's mailbox, or to the ledger as a kept record.</summary>
    private void Store(Delivery d)
    {
        d.Stage = Stage.Storing;
        d.Tries++;
        var sms = d.Sms;
        switch (d.Decision)
        {
            case DeliverToUser deliver:
                _mailboxes.Tell(new DeliverSms(deliver.User, sms.DeliveryId, new MailSms(
                    sms.Sender!, sms.Timestamp!.Value, sms.Text, sms.Module, sms.Group, sms.SimNumber, sms.Parts, sms.Missing)));
                break;
            case DropSms drop:
                _ledger.Tell(new KeepSms(Kept(sms, KeptReason.Dropped, drop.RuleIndex)));
                break;
            case KeepUndecodable:
                _ledger.Tell(new KeepSms(Kept(sms, KeptReason.Undecodable, null)));
                break;
            default:
                _ledger.Tell(new KeepSms(Kept(sms, KeptReason.Unmatched, null)));
                break;
        }
        NextStep(d, _routing.AnswerTimeout);
    }

    private KeptSms Kept(RoutedSms sms, KeptReason reason, int? rule) => new(
        sms.DeliveryId, reason, _time.GetUtcNow(), sms.Module, sms.Group, sms.Sender?.Value, sms.Timestamp,
        sms.IsUndecodable ? null : sms.Text, sms.PduHex, rule, sms.Problem, sms.Parts, sms.Missing);

    private void OnDue(DeliveryDue due)
    {
        if (!_deliveries.TryGetValue(due.DeliveryId, out var d) || d.Step != due.Step) return;
        switch (d.Stage)
        {
            case Stage.AskingAutoClip:
                _log.Warning("{0}: AutoCLIP did not answer within {1}; asking again (the SMS stays on the SIM)", d.Sms.Describe(), ConfigValues.FormatDuration(_routing.AnswerTimeout));
                Decide(d, null);
                break;
            case Stage.Storing:
                Retry(d, $"no answer within {ConfigValues.FormatDuration(_routing.AnswerTimeout)}");
                break;
            case Stage.WaitingToRetry:
                Store(d);
                break;
        }
    }

    private void OnRefused(string deliveryId, string reason)
    {
        if (!_deliveries.TryGetValue(deliveryId, out var d) || d.Stage != Stage.Storing) return; // a late answer to an earlier try
        Retry(d, reason);
    }

    private void Retry(Delivery d, string reason)
    {
        var delay = RetryDelay(d.Tries);
        d.Stage = Stage.WaitingToRetry;
        if (reason != d.LastRefusal)
            _log.Warning("{0} ({1}) was not stored: {2}. It stays on the SIM; trying again in {3}, then at growing intervals",
                d.Sms.Describe(), d.Decision!.Describe(), reason, ConfigValues.FormatDuration(delay));
        else
            _log.Debug("{0} still not stored ({1}); try {2} in {3}", d.Sms.Describe(), reason, d.Tries + 1, ConfigValues.FormatDuration(delay));
        d.LastRefusal = reason;
        NextStep(d, delay);
    }

    private TimeSpan RetryDelay(int tries)
    {
        var factor = Math.Pow(2, Math.Min(Math.Max(tries - 1, 0), 30));
        var delay = TimeSpan.FromMilliseconds(_routing.DeliveryRetryMin.TotalMilliseconds * factor);
        return delay < _routing.DeliveryRetryMax ? delay : _routing.DeliveryRetryMax;
    }

    private void NextStep(Delivery d, TimeSpan after)
    {
        d.Step++;
        Timers.StartSingleTimer(DeliveryTimer(d.Sms.DeliveryId), new DeliveryDue(d.Sms.DeliveryId, d.Step), after);
    }

    private void OnStored(string deliveryId, string what)
    {
        if (!_deliveries.Remove(deliveryId, out var d)) return; // stored before (a late answer to an earlier try)
        Timers.Cancel(DeliveryTimer(deliveryId));
        if (d.Sms.Key is { } key) _deliveryByKey.Remove((d.Sms.Module, key));
        if (d.LastRefusal is not null || d.Tries > 1)
            _log.Info("{0}: {1} after {2} tries; deleting it from the SIM", d.Sms.Describe(), what, d.Tries);
        else
            _log.Debug("{0}: {1}; deleting it from the SIM", d.Sms.Describe(), what);
        foreach (var receipt in d.Receipts) ConfirmReceipt(receipt);
    }

    /// <summary>Tells the module holding <paramref name="receipt"/> that it may delete it from the SIM, and remembers that it was confirmed.</summary>
    private void ConfirmReceipt(string receipt)
    {
        if (_receipts.Remove(receipt, out var held)) held.From.Tell(new ConfirmStored(held.Module, receipt));
        _confirmed.Add(receipt);
    }

    private static string DeliveryTimer(string deliveryId) => "delivery|" + deliveryId;
}

using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Gateway.Configuration;
using Gateway.Modem;
using Gateway.Sms;

namespace Gateway.Routing.Incoming;

/// <summary>
/// The incoming side of the gateway on one node, and the owner of the node's modem bank: every SMS
/// a module reads from its SIM comes here, is reassembled (one <see cref="ReassemblyBuffer{TTag}"/>
/// per module), routed by <see cref="IncomingRules"/> (asking AutoCLIP when an autoclip rule
/// matches), and stored: in a user's mailbox, or as a kept record in the node's
/// <see cref="IncomingLedger"/> (dropped, unmatched, undecodable). Only then are its parts
/// confirmed to their module, which deletes them from the SIM. Status reports go on to the
/// outgoing router.
/// <para>
/// Per message: a timer while parts are missing (<c>routing.reassembly-timeout</c>; then what came
/// is delivered marked incomplete), and one store request in flight at a time; a refusal (full
/// mailbox, storage trouble) or no answer within <c>routing.answer-timeout</c> is tried again
/// after a back-off (<c>routing.delivery-retry-min</c> doubling to <c>-max</c>) while the SMS stays
/// on the SIM. A decision, once made, is kept for every retry, so a message never reaches two
/// mailboxes. The delivery id comes from the parts' receipts (<see cref="RoutedSms.IdFor"/>), so
/// after a crash the modules offer the same receipts again and the mailbox stores the message once.
/// </para>
/// <para>
/// Receipts: a module offers an unconfirmed SMS again every <c>modem.store-confirm-timeout</c>;
/// an offer of a receipt already in hand only updates where to confirm it, and an offer of one
/// already confirmed (the delete may have failed) is confirmed again. A network duplicate of a part
/// (same part, another SIM slot) joins its message and is deleted with it.
/// </para>
/// <para>
/// Files: this one has the wiring, receipts and reassembly; <c>IncomingRouter.Delivery.cs</c>
/// decides, stores, retries and confirms.
/// </para>
/// </summary>
public sealed partial class IncomingRouter : ReceiveActor, IWithTimers
{
    /// <summary>Receipts remembered after they were confirmed, to confirm a re-offer again at once.</summary>
    public const int RememberedReceipts = 10_000;

    /// <summary>Timer: stop waiting for the missing parts of a message.</summary>
    private sealed record ReassemblyDue(string Module, ConcatKey Key);

    /// <summary>A received part not yet stored: where to confirm it (the module actor that offered it last).</summary>
    private sealed class Receipt(string module, IActorRef from)
    {
        public string Module { get; } = module;
        public IActorRef From { get; set; } = from;
    }

    private readonly GatewaySettings _settings;
    private readonly RoutingSettings _routing;
    private readonly IActorRef _mailboxes;
    private readonly IActorRef _autoClip;
    private readonly IActorRef _ledger;
    private readonly IActorRef _statusReports;
    private readonly TimeProvider _time;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private readonly Dictionary<string, Receipt> _receipts = new(StringComparer.Ordinal);
    private readonly RecentSet<string> _confirmed = new(RememberedReceipts);
    private readonly Dictionary<string, ReassemblyBuffer<string>> _buffers = new(StringComparer.Ordinal);

    /// <summary>Network duplicates of parts of messages still being reassembled: they join the message when it is routed.</summary>
    private readonly Dictionary<(string Module, ConcatKey Key), List<string>> _duplicates = new();

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="mailboxes">The mailbox shard region (DeliverSms).</param>
    /// <param name="autoClip">The AutoCLIP front (LookupReplyOwner).</param>
    /// <param name="ledger">The node's incoming ledger (KeepSms).</param>
    /// <param name="statusReports">Where status reports go: the outgoing router.</param>
    public static Props Props(GatewaySettings settings, IActorRef mailboxes, IActorRef autoClip, IActorRef ledger, IActorRef statusReports, TimeProvider? time = null) =>
        Akka.Actor.Props.Create(() => new IncomingRouter(settings, mailboxes, autoClip, ledger, statusReports, time ?? TimeProvider.System));

    public IncomingRouter(GatewaySettings settings, IActorRef mailboxes, IActorRef autoClip, IActorRef ledger, IActorRef statusReports, TimeProvider time)
    {
        _settings = settings;
        _routing = settings.Routing;
        _mailboxes = mailboxes;
        _autoClip = autoClip;
        _ledger = ledger;
        _statusReports = statusReports;
        _time = time;

        Receive<SmsReceived>(OnSmsReceived);
        Receive<UndecodableSmsReceived>(OnUndecodable);
        Receive<StatusReportReceived>(r => _statusReports.Forward(r));
        Receive<ReassemblyDue>(OnReassemblyDue);
        ReceiveDelivery();
    }

    // ------------------------------------------------------------------ receipts

    /// <summary>True when the offer is handled already: a receipt in hand (only its sender is updated) or one confirmed before (confirmed again).</summary>
    private bool KnownReceipt(IncomingSms offer)
    {
        if (_receipts.TryGetValue(offer.ReceiptId, out var held))
        {
            held.From = Sender;
            if (offer.Offer > 1) _log.Debug("{0}: {1} offered again (offer {2}); still being stored", offer.Module, offer.ReceiptId, offer.Offer);
            return true;
        }
        if (_confirmed.Contains(offer.ReceiptId))
        {
            _log.Debug("{0}: {1} offered again after it was stored; confirmed again", offer.Module, offer.ReceiptId);
            Sender.Tell(new ConfirmStored(offer.Module, offer.ReceiptId));
            return true;
        }
        _receipts[offer.ReceiptId] = new Receipt(offer.Module, Sender);
        return false;
    }

    private void OnUndecodable(UndecodableSmsReceived u)
    {
        if (KnownReceipt(u)) return;
        var (group, sim) = ModuleFacts(u.Module);
        Start(new RoutedSms(u.ReceiptId, u.Module, group, sim, null, null, "", 0, [], [u.ReceiptId], PduHex: u.PduHex, Problem: u.Problem));
    }

    // ------------------------------------------------------------------ reassembly

    private void OnSmsReceived(SmsReceived m)
    {
        if (KnownReceipt(m)) return;
        var buffer = _buffers.TryGetValue(m.Module, out var b) ? b : ReassemblyBuffer<string>.Create();
        var step = buffer.Add(m.Sms, m.ReceiptId, _time.GetUtcNow());
        _buffers[m.Module] = step.Buffer;

        foreach (var given in step.GivenUp)
        {
            _log.Warning("{0}: stopped waiting for part(s) {1} of a {2}-part SMS from {3} ({4}); delivering what came",
                m.Module, string.Join(",", given.Missing), given.Key.Total, given.Key.Originator,
                given.Reason == GiveUpReason.BufferFull ? "too many incomplete messages" : "its reference was reused for a new message");
            Timers.Cancel(ReassemblyTimer(m.Module, given.Key));
            Start(Incomplete(m.Module, given));
        }

        if (step.Completed is { } whole)
        {
            if (whole.Key is { } key) Timers.Cancel(ReassemblyTimer(m.Module, key));
            Start(Whole(m.Module, whole));
        }
        else if (step.Duplicate is not null)
            OnDuplicatePart(m);
        else if (m.Sms.Concat is { } concat)
        {
            var key = new ConcatKey(m.Sms.Originator, concat.Reference, concat.Total);
            var timer = ReassemblyTimer(m.Module, key);
            if (!Timers.IsTimerActive(timer)) Timers.StartSingleTimer(timer, new ReassemblyDue(m.Module, key), _routing.ReassemblyTimeout);
            _log.Debug("{0}: part {1}/{2} of an SMS from {3} (ref {4}) [{5}]; waiting for the rest",
                m.Module, concat.Sequence, concat.Total, m.Sms.Originator, concat.Reference, m.ReceiptId);
        }
    }

    /// <summary>
    /// The same part again in another SIM slot (the network delivered it twice): it joins its
    /// message so it is deleted when the message is stored, or is confirmed at once when the
    /// message was stored already.
    /// </summary>
    private void OnDuplicatePart(SmsReceived m)
    {
        var concat = m.Sms.Concat!;
        var key = new ConcatKey(m.Sms.Originator, concat.Reference, concat.Total);
        if (_buffers[m.Module].Pending.Any(p => p.Key == key))
        {
            if (!_duplicates.TryGetValue((m.Module, key), out var list)) _duplicates[(m.Module, key)] = list = [];
            list.Add(m.ReceiptId);
            _log.Info("{0}: part {1}/{2} of an SMS from {3} came twice [{4}]; the copy is deleted with the message", m.Module, concat.Sequence, concat.Total, m.Sms.Originator, m.ReceiptId);
        }
        else if (DeliveryOfKey(m.Module, key) is { } delivery)
        {
            delivery.Receipts.Add(m.ReceiptId);
            _log.Info("{0}: part {1}/{2} of an SMS from {3} came twice [{4}]; the copy is deleted once the message is stored", m.Module, concat.Sequence, concat.Total, m.Sms.Originator, m.ReceiptId);
        }
        else
        {
            _log.Info("{0}: part {1}/{2} of an SMS from {3} came again after the message was stored [{4}]; the copy is deleted from the SIM",
                m.Module, concat.Sequence, concat.Total, m.Sms.Originator, m.ReceiptId);
            ConfirmReceipt(m.ReceiptId);
        }
    }

    private void OnReassemblyDue(ReassemblyDue due)
    {
        if (!_buffers.TryGetValue(due.Module, out var buffer)) return;
        var (rest, given) = buffer.GiveUp(due.Key);
        _buffers[due.Module] = rest;
        if (given is null) return;
        _log.Warning("{0}: part(s) {1} of a {2}-part SMS from {3} did not arrive within {4}; delivering what came, marked incomplete",
            due.Module, string.Join(",", given.Missing), given.Key.Total, given.Key.Originator, ConfigValues.FormatDuration(_routing.ReassemblyTimeout));
        Start(Incomplete(due.Module, given));
    }

    private RoutedSms Whole(string module, ReassembledSms<string> whole)
    {
        var (group, sim) = ModuleFacts(module);
        var receipts = whole.Parts.Select(p => p.Tag).ToImmutableArray();
        return new RoutedSms(RoutedSms.IdFor(module, receipts), module, group, sim, whole.Originator, whole.Timestamp, whole.Text,
            whole.Parts.Length, [], receipts, whole.Key);
    }

    private RoutedSms Incomplete(string module, IncompleteSms<string> given)
    {
        var (group, sim) = ModuleFacts(module);
        var receipts = given.Parts.Select(p => p.Tag).ToImmutableArray();
        return new RoutedSms(RoutedSms.IdFor(module, receipts), module, group, sim, given.Key.Originator, given.Parts.Min(p => p.Sms.Timestamp),
            given.TextSoFar, given.Parts.Length, given.Missing, receipts, given.Key);
    }

    private (string Group, string? SimNumber) ModuleFacts(string module) =>
        _settings.Modules.TryGetValue(module, out var m) ? (m.Group, m.Number) : ("", null);

    private static string ReassemblyTimer(string module, ConcatKey key) =>
        $"reassembly|{module}|{key.Originator.Type}:{key.Originator.Value}|{key.Reference}|{key.Total}";
}

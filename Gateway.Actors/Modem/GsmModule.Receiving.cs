using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Event;
using Gateway.Modem.At;
using Gateway.Sms;

namespace Gateway.Modem;

// Receiving: SMS stored on the SIM (+CMTI, AT+CMGL after every open) are read, decoded and
// offered to the owner; the SIM copy is deleted only after ConfirmStored. Unconfirmed offers are
// repeated every store-confirm-timeout. Status reports are matched to sent parts by TP-MR.
public sealed partial class GsmModule
{
    private sealed record ListPurpose : Purpose
    {
        public static ListPurpose Instance { get; } = new();
    }

    private sealed record ReadPurpose(int Index) : Purpose;

    /// <summary>AT+CMGD of a confirmed message (<paramref name="ReceiptId"/>), or of a handled status report (null).</summary>
    private sealed record DeletePurpose(int Index, string? ReceiptId) : Purpose;

    private sealed record AcknowledgePurpose : Purpose
    {
        public static AcknowledgePurpose Instance { get; } = new();
    }

    /// <summary>Timer: a received SMS has not been confirmed in time; offer it again.</summary>
    private sealed record ReofferDue(string ReceiptId);

    /// <summary>A received SMS offered to the owner and still on the SIM; owned by this actor only.</summary>
    private sealed class Receipt(IncomingSms offered)
    {
        public IncomingSms Offered { get; set; } = offered;
        public bool Confirmed { get; set; }
        public bool DeleteQueued { get; set; }
    }

    private readonly Dictionary<string, Receipt> _receipts = new();
    private readonly HashSet<int> _readsPending = new();
    private bool _listQueued;
    private bool _listWanted;

    private void OnUnsolicited(Unsolicited code)
    {
        switch (code)
        {
            case MessageStored stored:
                EnqueueRead(stored.Index);
                break;
            case StatusReportStored stored:
                EnqueueRead(stored.Index);
                break;
            case MessageDelivered delivered:
                // We ask for +CMTI (stored); a modem that routes an SMS to us anyway gets it handed on,
                // and acknowledged (if it wants AT+CNMA) only once the owner has stored it.
                HandleMessage(null, delivered.PduHex);
                break;
            case StatusReportDelivered report:
                HandleMessage(null, report.PduHex);
                // Acknowledged whatever AT+CSMS said: modems that want AT+CNMA even in service 0
                // (the virtual one among them) otherwise turn direct reports off (+CNMI ds=0) after
                // their timeout, and later reports are dropped. One that expects none answers
                // +CMS ERROR: 340, which is only logged at debug.
                EnqueueWork(new Work(AtCommand.Of("AT+CNMA"), AcknowledgePurpose.Instance));
                break;
            case Ring:
                _log.Info("{0}: incoming call (RING); the gateway does not take calls", Name);
                break;
            case RegistrationChanged changed:
                _registration = changed.Registration;
                _log.Info("{0}: registration now {1}", Name, changed.Registration.Status);
                PublishStatus();
                break;
        }
        DispatchIfIdle();
    }

    private void EnqueueRead(int index)
    {
        if (_phase is Phase.Connecting or Phase.Closing) return;
        if (_receipts.Values.Any(r => r.Offered.SimIndex == index)) return; // already offered, waiting for its confirmation
        if (!_readsPending.Add(index)) return;
        EnqueueWork(new Work(AtCommand.Of($"AT+CMGR={index}"), new ReadPurpose(index)));
    }

    private void EnqueueListIfWanted()
    {
        if (!_listWanted || _listQueued) return;
        _listQueued = true;
        EnqueueWork(new Work(AtCommand.Of("AT+CMGL=4"), ListPurpose.Instance));
    }

    private void EnqueueWork(Work work) => _work.Enqueue(work);

    private void OnListResult(AtResult result)
    {
        _listQueued = false;
        if (!result.IsOk)
        {
            _listWanted = true;
            _log.Warning("{0}: listing the SIM failed ({1}); trying again at the next health poll", Name, result.Final.Describe());
            return;
        }
        _listWanted = !_facts.Indications;
        var listed = AtResponses.ParseMessageList(result.Lines);
        if (listed.Length > 0) _log.Info("{0}: {1} message(s) on the SIM", Name, listed.Length);
        foreach (var entry in listed)
        {
            if (entry.Problem is not null)
            {
                _log.Warning("{0}: SIM entry {1} left on the SIM: {2}", Name, entry.Index, entry.Problem);
                continue;
            }
            if (_readsPending.Contains(entry.Index)) continue; // its AT+CMGR is queued and will hand it on
            HandleStored(entry.Index, entry.Status, entry.PduHex!);
        }
    }

    private void OnReadResult(ReadPurpose read, AtResult result)
    {
        _readsPending.Remove(read.Index);
        if (!result.IsOk)
        {
            _listWanted = true;
            _log.Warning("{0}: reading SIM entry {1} failed ({2}); the SIM is listed again at the next health poll", Name, read.Index, result.Final.Describe());
            return;
        }
        if (!AtResponses.TryParseReadMessage(result.Lines, out var status, out var pduHex))
        {
            _log.Debug("{0}: SIM entry {1} is empty", Name, read.Index);
            return;
        }
        HandleStored(read.Index, status, pduHex);
    }

    private void HandleStored(int index, int status, string pduHex)
    {
        if (status is AtResponses.StoredUnsent or AtResponses.StoredSent)
        {
            _log.Debug("{0}: SIM entry {1} is an outgoing message stored by someone else; left alone", Name, index);
            return;
        }
        HandleMessage(index, pduHex);
    }

    /// <summary>Decodes a received PDU and hands it on: an SMS is offered to the owner, a status report matched and passed.</summary>
    private void HandleMessage(int? index, string pduHex)
    {
        var receiptId = ReceiptIdFor(index, pduHex);
        if (_receipts.ContainsKey(receiptId)) return; // offered already; its timer offers it again

        var (pdu, problem) = Decode(pduHex);
        switch (pdu)
        {
            case SmsDeliver deliver:
                Offer(new SmsReceived(Name, receiptId, deliver, pduHex, index, 1));
                break;
            case SmsStatusReport report:
                var matched = _sentParts.TryGetValue(report.MessageReference, out var part);
                _owner.Tell(new StatusReportReceived(Name, report, matched ? part.JobId : null, matched ? part.PartIndex : null), Self);
                if (index is { } i) EnqueueWork(new Work(AtCommand.Of($"AT+CMGD={i}"), new DeletePurpose(i, null)));
                break;
            default:
                var why = problem ?? $"a {pdu?.GetType().Name ?? "PDU"} is not a message to this SIM";
                _log.Warning("{0}: cannot decode {1}: {2}; offered as undecodable, kept on the SIM", Name, index is { } n ? $"SIM entry {n}" : "a routed message", why);
                Offer(new UndecodableSmsReceived(Name, receiptId, pduHex, why, index, 1));
                break;
        }
    }

    private static (SmsPdu? Pdu, string? Problem) Decode(string pduHex)
    {
        try
        {
            var bytes = Convert.FromHexString(pduHex);
            return Pdu.TryDecode(bytes, hasServiceCentre: true, PduDirection.MobileTerminated, out var pdu, out var error)
                ? (pdu, null)
                : (null, error);
        }
        catch (Exception e)
        {
            return (null, $"the decoder failed: {e.Message}");
        }
    }

    private void Offer(IncomingSms offered)
    {
        _receipts[offered.ReceiptId] = new Receipt(offered);
        _owner.Tell(offered, Self);
        Timers.StartSingleTimer(ConfirmTimer(offered.ReceiptId), new ReofferDue(offered.ReceiptId), _timings.StoreConfirmTimeout);
        PublishStatus();
    }

    private void OnReofferDue(ReofferDue due)
    {
        if (!_receipts.TryGetValue(due.ReceiptId, out var receipt) || receipt.Confirmed) return;
        receipt.Offered = receipt.Offered switch
        {
            SmsReceived r => r with { Offer = r.Offer + 1 },
            UndecodableSmsReceived u => u with { Offer = u.Offer + 1 },
            var other => other,
        };
        _log.Info("{0}: {1} not confirmed stored within {2}; offered again (offer {3}), still on the SIM",
            Name, due.ReceiptId, Format(_timings.StoreConfirmTimeout), receipt.Offered.Offer);
        _owner.Tell(receipt.Offered, Self);
        Timers.StartSingleTimer(ConfirmTimer(due.ReceiptId), new ReofferDue(due.ReceiptId), _timings.StoreConfirmTimeout);
    }

    private void OnConfirmStored(ConfirmStored confirm)
    {
        if (!_receipts.TryGetValue(confirm.ReceiptId, out var receipt))
        {
            _log.Debug("{0}: confirmation of {1}, which is not awaiting one (already deleted, or offered before a restart)", Name, confirm.ReceiptId);
            return;
        }
        if (receipt.Confirmed) return;
        receipt.Confirmed = true;
        Timers.Cancel(ConfirmTimer(confirm.ReceiptId));
        if (receipt.Offered.SimIndex is { } index)
            QueueDelete(confirm.ReceiptId, receipt, index);
        else
        {
            _receipts.Remove(confirm.ReceiptId);
            if (_facts.AcknowledgeDirect) EnqueueWork(new Work(AtCommand.Of("AT+CNMA"), AcknowledgePurpose.Instance));
        }
        PublishStatus();
        DispatchIfIdle();
    }

    private void QueueDelete(string receiptId, Receipt receipt, int index)
    {
        if (receipt.DeleteQueued || _phase is Phase.Connecting or Phase.Initializing or Phase.Closing) return;
        receipt.DeleteQueued = true;
        EnqueueWork(new Work(AtCommand.Of($"AT+CMGD={index}"), new DeletePurpose(index, receiptId)));
    }

    private void OnDeleteResult(DeletePurpose delete, AtResult result)
    {
        if (delete.ReceiptId is null)
        {
            if (!result.IsOk) _log.Warning("{0}: deleting status report {1} failed: {2}", Name, delete.Index, result.Final.Describe());
            return;
        }
        if (!_receipts.TryGetValue(delete.ReceiptId, out var receipt)) return;
        if (result.IsOk)
        {
            _receipts.Remove(delete.ReceiptId);
            if (_log.IsDebugEnabled) _log.Debug("{0}: {1} stored by its owner; deleted from SIM entry {2}", Name, delete.ReceiptId, delete.Index);
            PublishStatus();
            return;
        }
        receipt.DeleteQueued = false; // tried again at the next health poll
        _log.Warning("{0}: deleting SIM entry {1} failed ({2}); trying again at the next health poll", Name, delete.Index, result.Final.Describe());
    }

    /// <summary>Health polls retry what failed: deletes of confirmed messages.</summary>
    private void RetryDeletes()
    {
        foreach (var (id, receipt) in _receipts)
            if (receipt is { Confirmed: true, DeleteQueued: false, Offered.SimIndex: { } index })
                QueueDelete(id, receipt, index);
    }

    /// <summary>
    /// The same message at the same place always gets the same id: <c>module:index:hash</c>, the
    /// hash being the first 12 hex digits of the PDU's SHA-256. After a restart the module offers
    /// it again under this id, so an owner that stored it can tell and confirm again.
    /// </summary>
    internal static string ReceiptIdFor(string module, int? index, string pduHex)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes(pduHex.ToUpperInvariant()), hash);
        return $"{module}:{(index is { } i ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : "routed")}:{Convert.ToHexString(hash[..6]).ToLowerInvariant()}";
    }

    private string ReceiptIdFor(int? index, string pduHex) => ReceiptIdFor(Name, index, pduHex);

    private static string ConfirmTimer(string receiptId) => "confirm:" + receiptId;
}

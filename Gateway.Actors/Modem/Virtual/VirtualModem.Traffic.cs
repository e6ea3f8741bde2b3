using Gateway.Sms;
using Microsoft.Extensions.Logging;

namespace Gateway.Modem.Virtual;

/// <summary>A virtual modem's SMS traffic: sends (the second half of AT+CMGS) and what the network delivers (stored, or shown directly and acknowledged with AT+CNMA).</summary>
public sealed partial class VirtualModem
{
    /// <summary>
    /// AT+CMGS's second half: checks the PDU typed after the prompt, waits the send latency,
    /// hands the SMS to the network and answers <c>+CMGS: &lt;mr&gt;</c> or an error.
    /// </summary>
    internal async Task<AtResponse> SubmitAsync(string? hex, int declaredLength, CancellationToken cancellationToken)
    {
        SmsSubmit? submit;
        AtError? error;
        ResultFormat format;
        lock (Lock)
        {
            format = FormatLocked();
            error = SubmitValidation.Check(hex, declaredLength, Sim.ServiceCentre, IsRegisteredLocked, out submit, out var problem);
            if (error is not null)
                _log.LogInformation("virtual modem {Sim}: send refused with {Error}: {Problem}", SimNumber, error, problem);
        }
        error ??= Faults.TakeSendError();
        if (error is not null) return new AtResponse([], AtFinal.Fail(error), format);

        var latency = SendLatency ?? _network.SendLatency;
        if (latency > TimeSpan.Zero) await RadioClock.Delay(latency, _time, cancellationToken);

        int reference;
        lock (Lock)
        {
            reference = _nextReference;
            _nextReference = (_nextReference + 1) % 256;
            format = FormatLocked();
        }
        error = _network.Submit(this, submit!, reference);
        if (error is not null) return new AtResponse([], AtFinal.Fail(error), format);
        Interlocked.Increment(ref _sent);
        return new AtResponse([$"+CMGS: {reference}"], AtFinal.Success, format);
    }

    /// <summary>
    /// The network offers an SMS or status report. Per AT+CNMI it is stored (and announced with
    /// <c>+CMTI</c>/<c>+CDSI</c>), shown directly (<c>+CMT</c>/<c>+CDS</c>, to be acknowledged with
    /// AT+CNMA) or, for status reports with ds=0, dropped.
    /// </summary>
    internal DeliveryAttempt TryDeliver(NetworkDelivery delivery)
    {
        lock (Lock)
        {
            if (!IsRegisteredLocked) return DeliveryAttempt.Unreachable;
            var cnmi = Profile.Indications;
            var session = cnmi.Mode == 0 ? null : _session;
            if (!delivery.IsStatusReport)
            {
                var direct = (cnmi.Mt == 2 && delivery.Class != MessageClass.Class2) || (cnmi.Mt == 3 && delivery.Class == MessageClass.Class3);
                if (direct && session is not null)
                {
                    ShowDirectlyLocked(session, delivery, $"+CMT: ,{delivery.TpduLength}\r\n{delivery.Hex}");
                }
                else
                {
                    var stored = Sim.Storage.Store(delivery.Pdu.AsSpan(), StoredSmsStatus.ReceivedUnread);
                    if (stored is null) return DeliveryAttempt.MemoryFull;
                    if (cnmi.Mt != 0) session?.PostUnsolicited(new Unsolicited($"+CMTI: \"SM\",{stored.Index}", null));
                }
                Interlocked.Increment(ref _received);
                _log.LogDebug("virtual modem {Sim}: received {Summary}", SimNumber, delivery.Summary);
                return DeliveryAttempt.Accepted;
            }

            switch (cnmi.Ds)
            {
                case 1 when session is not null:
                    ShowDirectlyLocked(session, delivery, $"+CDS: {delivery.TpduLength}\r\n{delivery.Hex}");
                    break;
                case 1 or 2:
                    var stored = Sim.Storage.Store(delivery.Pdu.AsSpan(), StoredSmsStatus.ReceivedUnread);
                    if (stored is null) return DeliveryAttempt.MemoryFull;
                    if (cnmi.Ds == 2) session?.PostUnsolicited(new Unsolicited($"+CDSI: \"SM\",{stored.Index}", null));
                    break;
                default:
                    _log.LogDebug("virtual modem {Sim}: status report dropped (AT+CNMI ds=0): {Summary}", SimNumber, delivery.Summary);
                    break;
            }
            return DeliveryAttempt.Accepted;
        }
    }

    private void ShowDirectlyLocked(ModemSession session, NetworkDelivery delivery, string text)
    {
        var id = ++_nextAckId;
        _awaitingAck.AddLast(new PendingAck(id, delivery, session));
        session.PostUnsolicited(new Unsolicited(text, id));
        _ = AckTimeoutAsync(id);
    }

    private async Task AckTimeoutAsync(long id)
    {
        await Task.Delay(_network.AckTimeout, _time);
        PendingAck? expired;
        lock (Lock)
        {
            expired = _awaitingAck.FirstOrDefault(p => p.Id == id);
            if (expired is null) return;
            _awaitingAck.Remove(expired);
            // 27.005 3.4.1: without the acknowledgement the modem turns direct routing off (mt and ds to 0).
            Profile.Indications = Profile.Indications with { Mt = 0, Ds = 0 };
        }
        _log.LogWarning("virtual modem {Sim}: no AT+CNMA within {Timeout}; direct indications turned off, message stored instead", SimNumber, _network.AckTimeout);
        FallBackToStorage(expired.Delivery);
    }

    /// <summary>A direct indication nobody acknowledged: the network's retry lands in SIM storage (or waits in the network while the SIM is full).</summary>
    private void FallBackToStorage(NetworkDelivery delivery)
    {
        lock (Lock)
        {
            var stored = Sim.Storage.Store(delivery.Pdu.AsSpan(), StoredSmsStatus.ReceivedUnread);
            if (stored is not null)
            {
                var cnmi = Profile.Indications;
                var announce = delivery.IsStatusReport ? cnmi.Ds == 2 : cnmi.Mt != 0;
                if (announce && cnmi.Mode != 0)
                    PostUnsolicitedLocked(delivery.IsStatusReport ? $"+CDSI: \"SM\",{stored.Index}" : $"+CMTI: \"SM\",{stored.Index}");
                return;
            }
        }
        _network.Requeue(this, delivery);
    }

    /// <summary>
    /// The session is about to write a direct indication: true (and from now on it can be
    /// acknowledged) unless it timed out into storage meanwhile, when writing it would duplicate it.
    /// </summary>
    internal bool TryMarkShown(long id)
    {
        lock (Lock)
        {
            var pending = _awaitingAck.FirstOrDefault(p => p.Id == id);
            if (pending is null) return false;
            pending.Shown = true;
            return true;
        }
    }

    /// <summary>
    /// AT+CNMA: acknowledges the oldest direct indication the client has been shown (one still
    /// held behind a running command cannot be); a negative one is stored instead. False if none waits.
    /// </summary>
    internal bool AcknowledgeLocked(bool positive, out NetworkDelivery? refused)
    {
        refused = null;
        var shown = _awaitingAck.FirstOrDefault(p => p.Shown);
        if (shown is null) return false;
        _awaitingAck.Remove(shown);
        if (!positive) refused = shown.Delivery;
        return true;
    }

    /// <summary>A negatively acknowledged message is stored (call outside the lock).</summary>
    internal void StoreRefused(NetworkDelivery delivery) => FallBackToStorage(delivery);

    /// <summary>Deleting freed SIM slots: the SIM tells the network it has memory again (RP-SMMA) and held SMS come in.</summary>
    internal void NotifyStorageFreed() => _network.RequestRedelivery(this);

    /// <summary>A direct indication waiting for AT+CNMA; <see cref="Shown"/> once it is on the line. Guarded by the modem's lock.</summary>
    private sealed class PendingAck(long id, NetworkDelivery delivery, ModemSession session)
    {
        public long Id { get; } = id;
        public NetworkDelivery Delivery { get; } = delivery;
        public ModemSession Session { get; } = session;
        public bool Shown { get; set; }
    }
}

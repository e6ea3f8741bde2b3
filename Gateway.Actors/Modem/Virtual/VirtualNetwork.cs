using System.Collections.Concurrent;
using System.Collections.Immutable;
using Gateway.Configuration;
using Gateway.Sms;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Modem.Virtual;

/// <summary>
/// A simulated GSM network, one per process: virtual SIMs (each in a <see cref="VirtualModem"/>)
/// and virtual phones by E.164 number. An SMS to a SIM number goes to that modem (stored or shown
/// per its AT+CNMI); to any other number, to that phone's inbox. It holds SMS for a SIM that is
/// full, gone, off the network or PIN-locked and delivers them when it can, in order, so nothing
/// is lost. Status reports, send latency and per-destination outcomes are settable while it runs.
/// Thread-safe.
/// </summary>
public sealed class VirtualNetwork
{
    /// <summary>The SMSC number every virtual SIM starts with (AT+CSCA?) and that stamps delivered SMS.</summary>
    public const string ServiceCentre = "+420999999999";

    /// <summary>Most SMS the network holds for one SIM that cannot take them; beyond that sends to it are refused.</summary>
    public const int MaxHeldPerSim = 10_000;

    /// <summary>TP-ST the network reports for a failed delivery (permanent error: incompatible destination).</summary>
    public const int FailedStatus = 0x41;

    private readonly ConcurrentDictionary<string, VirtualModem> _modems = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, VirtualPhone> _phones = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HeldDeliveries> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeliveryOutcome> _outcomes = new(StringComparer.Ordinal);
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly object _settingsLock = new();
    private TimeSpan _sendLatency;
    private bool _statusReports;
    private TimeSpan _statusReportDelay;
    private long _submitted;
    private int _alphanumericReference;

    public VirtualNetwork(VirtualNetworkSettings settings, TimeProvider? time = null, ILogger? log = null)
    {
        Settings = settings;
        _time = time ?? TimeProvider.System;
        _log = log ?? NullLogger.Instance;
        _sendLatency = settings.SendLatency;
        _statusReports = settings.StatusReports;
        _statusReportDelay = settings.StatusReportDelay;
    }

    /// <summary>The settings the network started with (latency and reports can change since: see the properties).</summary>
    public VirtualNetworkSettings Settings { get; }

    /// <summary>How long AT+CMGS takes on modems without their own <see cref="VirtualModem.SendLatency"/>.</summary>
    public TimeSpan SendLatency
    {
        get { lock (_settingsLock) return _sendLatency; }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (_settingsLock) _sendLatency = value;
        }
    }

    /// <summary>Whether SMS sent with TP-SRR get a status report.</summary>
    public bool StatusReports
    {
        get { lock (_settingsLock) return _statusReports; }
        set { lock (_settingsLock) _statusReports = value; }
    }

    /// <summary>Time between a send and its status report.</summary>
    public TimeSpan StatusReportDelay
    {
        get { lock (_settingsLock) return _statusReportDelay; }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (_settingsLock) _statusReportDelay = value;
        }
    }

    /// <summary>How long a modem waits for AT+CNMA after a direct indication.</summary>
    public TimeSpan AckTimeout => Settings.AckTimeout;

    /// <summary>SMS the modems have sent into the network since it started.</summary>
    public long Submitted => Interlocked.Read(ref _submitted);

    public ImmutableArray<VirtualModem> Modems => [.. _modems.Values.OrderBy(m => m.SimNumber, StringComparer.Ordinal)];

    public ImmutableArray<VirtualPhone> Phones => [.. _phones.Values.OrderBy(p => p.Number, StringComparer.Ordinal)];

    /// <summary>Adds a modem with a SIM of this number (E.164, or any form <see cref="PhoneNumber"/> accepts with a +). Idempotent per number: the existing modem is returned.</summary>
    public VirtualModem AddModem(string simNumber) => AddModem(simNumber, VirtualSimOptions.Default);

    /// <inheritdoc cref="AddModem(string)"/>
    public VirtualModem AddModem(string simNumber, VirtualSimOptions options)
    {
        var number = Normalize(simNumber);
        if (options.Pin is { } pin && (pin.Length is < 4 or > 8 || !pin.All(char.IsAsciiDigit)))
            throw new ArgumentException("a PIN is 4 to 8 digits", nameof(options));
        if (options.Capacity is < 1 or > 255) throw new ArgumentException("capacity is 1 to 255 slots", nameof(options));
        return _modems.GetOrAdd(number, n => new VirtualModem(this, n, options, Settings.SimCapacity, _log, _time));
    }

    /// <summary>The modem whose SIM has this number, or null.</summary>
    public VirtualModem? Modem(string simNumber) =>
        TryNormalize(simNumber, out var n) && _modems.TryGetValue(n, out var m) ? m : null;

    /// <summary>The virtual phone with this number, created on first use.</summary>
    public VirtualPhone Phone(string number) => PhoneByKey(Normalize(number));

    /// <summary>
    /// Decides what becomes of SMS to <paramref name="number"/>: <see cref="DeliveryOutcome.Delivered"/>
    /// (the default) or <see cref="DeliveryOutcome.Failed"/> (not delivered; a status report, if
    /// asked for, says failed).
    /// </summary>
    public void SetDeliveryOutcome(string number, DeliveryOutcome outcome)
    {
        if (outcome == DeliveryOutcome.Pending) throw new ArgumentOutOfRangeException(nameof(outcome), "delivered or failed");
        var key = Normalize(number);
        if (outcome == DeliveryOutcome.Delivered) _outcomes.TryRemove(key, out _);
        else _outcomes[key] = outcome;
    }

    /// <summary>SMS and status reports the network holds for this SIM because it cannot take them now.</summary>
    internal int PendingDeliveries(VirtualModem modem)
    {
        var held = HeldFor(modem);
        lock (held) return held.Queue.Count;
    }

    /// <summary>
    /// A modem sent one SMS-SUBMIT (its TP-MR replaced by <paramref name="reference"/>): route it to
    /// a SIM or a phone and schedule its status report. Returns the error to answer instead of
    /// <c>+CMGS</c>, or null.
    /// </summary>
    internal AtError? Submit(VirtualModem from, SmsSubmit submit, int reference)
    {
        var now = _time.GetLocalNow();
        var destination = submit.Destination;
        var key = destination.Type == AddressType.International ? destination.Value : destination.Value.TrimStart('+');
        var outcome = _outcomes.GetValueOrDefault(key, DeliveryOutcome.Delivered);
        var part = submit.Concat is { } c ? $" part {c.Sequence}/{c.Total}" : "";
        try
        {
            if (outcome == DeliveryOutcome.Delivered)
            {
                if (_modems.TryGetValue(key, out var sim))
                {
                    var deliver = new SmsDeliver(
                        new SmsAddress(AddressType.International, from.SimNumber), now, submit.Coding, submit.Class,
                        submit.Text, submit.Data, submit.Concat, ServiceCentre);
                    var summary = $"SMS{part} from {from.SimNumber}";
                    if (!Hold(sim, NetworkDelivery.Sms(Pdu.Encode(deliver, ServiceCentre), submit.Class, summary)))
                        return AtError.Cms(21); // short message transfer rejected: the destination's queue is full
                }
                else
                {
                    PhoneByKey(key).Receive(from.SimNumber, submit, now);
                }
            }
            _log.LogDebug("virtual network: {From} -> {To}{Part} (mr {Reference}): {Outcome}", from.SimNumber, key, part, reference, outcome);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            _log.LogError(e, "virtual network: could not carry an SMS from {From} to {To}", from.SimNumber, key);
            return AtError.Cms(CmsCodes.InvalidMandatoryInformation);
        }
        Interlocked.Increment(ref _submitted);
        if (submit.StatusReportRequested && StatusReports)
            _ = ReportLaterAsync(from, reference, destination, now, outcome);
        return null;
    }

    /// <summary>
    /// An SMS from an alphanumeric sender (a bank, a shop: nobody can answer it) to the SIM
    /// <paramref name="simNumber"/>, coded and split as <see cref="VirtualPhone.Send"/> does.
    /// </summary>
    /// <exception cref="ArgumentException">Not a valid sender, no SIM with that number, or the text is too long.</exception>
    public PhoneSendResult SendFromAlphanumeric(string sender, string simNumber, string text)
    {
        if (!IsAlphanumericSender(sender)) throw new ArgumentException($"\"{sender}\" is not an alphanumeric sender (1 to 11 letters and digits)", nameof(sender));
        var reference = (byte)(Interlocked.Increment(ref _alphanumericReference) & 0xFF);
        return SendToSim(SmsAddress.Alphanumeric(sender), simNumber, text, reference);
    }

    /// <summary>1 to 11 ASCII letters, digits, spaces, dots, dashes or underscores, not all digits (that would be a number).</summary>
    public static bool IsAlphanumericSender(string sender) =>
        sender.Length is >= 1 and <= 11
        && sender.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '.' or '_')
        && !sender.All(char.IsAsciiDigit);

    /// <summary>An SMS from a phone (or an alphanumeric sender) to a SIM, split and coded like a handset does.</summary>
    internal PhoneSendResult SendToSim(SmsAddress originator, string simNumber, string text, byte reference, ImmutableArray<int> partOrder = default)
    {
        var sim = Modem(simNumber) ?? throw new ArgumentException($"{simNumber} is not a SIM in the virtual network");
        if (!TextPlanner.TryPlan(text, new SmsEncodingOptions(AllowUnicode: true, AllowConcatenation: true, MaxParts: 255), out var plan, out var error))
            throw new ArgumentException(error!.Message);
        var now = _time.GetLocalNow();
        var parts = TextPlanner.ToSubmits(plan!, new SmsAddress(AddressType.International, sim.SimNumber), reference, statusReport: false, validityPeriod: null);
        var encoded = parts
            .Select(p => Pdu.Encode(new SmsDeliver(originator, now, p.Coding, p.Class, p.Text, p.Data, p.Concat, ServiceCentre), ServiceCentre))
            .ToList();
        var order = partOrder.IsDefault ? [.. Enumerable.Range(1, encoded.Count)] : partOrder;
        if (order.Any(p => p < 1 || p > encoded.Count))
            throw new ArgumentException($"the part order names a part the message does not have (it has {encoded.Count})");
        var held = HeldFor(sim);
        lock (held)
        {
            if (held.Queue.Count + order.Length > MaxHeldPerSim)
                throw new ArgumentException($"the network already holds {held.Queue.Count} SMS for {sim.SimNumber}");
            foreach (var part in order)
                held.Queue.AddLast(NetworkDelivery.Sms(encoded[part - 1], MessageClass.None, $"SMS part {part}/{encoded.Count} from {originator}"));
            DeliverHeldLocked(sim, held);
        }
        _log.LogDebug("virtual network: {From} -> {To}: {Parts} part(s) {Coding}", originator, sim.SimNumber, plan!.PartCount, plan.Coding);
        return new PhoneSendResult(plan.PartCount, plan.Coding);
    }

    /// <summary>Offers what is held for this modem again, off the caller's thread (it may hold locks the network must take first).</summary>
    internal void RequestRedelivery(VirtualModem modem) =>
        ThreadPool.QueueUserWorkItem(_ =>
        {
            var held = HeldFor(modem);
            lock (held) DeliverHeldLocked(modem, held);
        });

    /// <summary>A delivery the modem took but could not keep (an unacknowledged <c>+CMT</c> with a full SIM) goes back to the front.</summary>
    internal void Requeue(VirtualModem modem, NetworkDelivery delivery)
    {
        var held = HeldFor(modem);
        lock (held)
        {
            held.Queue.AddFirst(delivery);
            DeliverHeldLocked(modem, held);
        }
    }

    private bool Hold(VirtualModem modem, NetworkDelivery delivery)
    {
        var held = HeldFor(modem);
        lock (held)
        {
            if (held.Queue.Count >= MaxHeldPerSim) return false;
            held.Queue.AddLast(delivery);
            DeliverHeldLocked(modem, held);
            return true;
        }
    }

    /// <summary>Offers held deliveries in order until the modem takes none; logs when a SIM starts or stops refusing.</summary>
    private void DeliverHeldLocked(VirtualModem modem, HeldDeliveries held)
    {
        while (held.Queue.First is { } next)
        {
            var attempt = modem.TryDeliver(next.Value);
            if (attempt != DeliveryAttempt.Accepted)
            {
                if (held.Refusing != attempt)
                    _log.LogInformation("virtual network: {Sim} cannot take SMS ({Reason}); holding {Count}", modem.SimNumber, attempt, held.Queue.Count);
                held.Refusing = attempt;
                return;
            }
            held.Queue.RemoveFirst();
        }
        if (held.Refusing is not null) _log.LogInformation("virtual network: {Sim} took every held SMS", modem.SimNumber);
        held.Refusing = null;
    }

    private async Task ReportLaterAsync(VirtualModem origin, int reference, SmsAddress recipient, DateTimeOffset submitted, DeliveryOutcome outcome)
    {
        try
        {
            var delay = StatusReportDelay;
            if (delay > TimeSpan.Zero) await Task.Delay(delay, _time);
            var status = outcome == DeliveryOutcome.Delivered ? 0x00 : FailedStatus;
            var report = new SmsStatusReport(reference, recipient, submitted, _time.GetLocalNow(), status, ServiceCentre);
            var summary = $"status report mr {reference} for {recipient}: {outcome}";
            if (!Hold(origin, NetworkDelivery.StatusReport(Pdu.Encode(report, ServiceCentre), summary)))
                _log.LogWarning("virtual network: dropped {Summary}: the network holds too much for {Sim}", summary, origin.SimNumber);
        }
        catch (Exception e)
        {
            _log.LogError(e, "virtual network: could not make the status report mr {Reference} for {Sim}", reference, origin.SimNumber);
        }
    }

    private HeldDeliveries HeldFor(VirtualModem modem) => _held.GetOrAdd(modem.SimNumber, _ => new HeldDeliveries());

    private VirtualPhone PhoneByKey(string key) => _phones.GetOrAdd(key, k => new VirtualPhone(this, k));

    private static string Normalize(string number) =>
        TryNormalize(number, out var n) ? n : throw new ArgumentException($"\"{number}\" is not an E.164 number (+ and 7 to 15 digits)");

    private static bool TryNormalize(string number, out string e164)
    {
        var ok = PhoneNumber.TryParse(number, null, out var parsed, out _);
        e164 = ok ? parsed.E164 : "";
        return ok;
    }

    /// <summary>What the network holds for one SIM, oldest first; locked on itself.</summary>
    private sealed class HeldDeliveries
    {
        public readonly LinkedList<NetworkDelivery> Queue = new();
        public DeliveryAttempt? Refusing;
    }
}

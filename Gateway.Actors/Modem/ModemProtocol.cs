using System.Collections.Immutable;
using Akka.Actor;
using Gateway.Sms;

namespace Gateway.Modem;

// The messages other parts of the gateway exchange with GSM modules and the modem bank.
// Send them to the node's modem bank (it routes by module name) or to a module actor directly.

/// <summary>
/// Send one SMS, all of its parts, through <see cref="Module"/>, in order. The sender gets
/// exactly one reply: <see cref="SmsSent"/> or <see cref="SmsSendFailed"/>. A busy module queues
/// the job (up to <c>gateway.modem.max-queued-sends</c>; <see cref="ModuleStatus.QueueLength"/>).
/// </summary>
/// <param name="JobId">The caller's id for the job, echoed in the reply.</param>
/// <param name="Parts">SMS-SUBMIT parts; TP-MR 0 lets the modem number each part.</param>
/// <param name="RecordFollows">
/// The caller stores that the job was sent and then answers <see cref="SmsSent"/> with
/// <see cref="SentRecorded"/> (to the module that sent it). Until that comes (at most
/// <c>gateway.modem.record-wait</c>) the module starts no other job, so a crash leaves at most one
/// of its SMS sent but not recorded — the one in the modem — and a restart sends only that one again.
/// </param>
public sealed record SendSms(string Module, string JobId, IReadOnlyList<SmsSubmit> Parts, bool RecordFollows = false) : IModemSerializable;

/// <summary>The answer to an <see cref="SmsSent"/> of a <see cref="SendSms.RecordFollows"/> job: its "sent" record is stored (or given up); the module may start its next job.</summary>
public sealed record SentRecorded(string Module, string JobId) : IModemSerializable;

/// <summary>Every part was accepted by the network; <see cref="MessageReferences"/> are the TP-MRs, one per part in order.</summary>
public sealed record SmsSent(string Module, string JobId, ImmutableArray<int> MessageReferences) : IModemSerializable;

/// <summary>
/// The job failed after <see cref="PartsSent"/> parts (their TP-MRs in <see cref="SentReferences"/>).
/// <see cref="Retryable"/>: sending again, later or through another module, may succeed
/// (network, SIM or modem trouble, a full queue, a module that went down; also a send whose
/// outcome is unknown, so a retry can duplicate one part). False: the message itself can never
/// go (a recipient or PDU the network refuses for good). <see cref="ModuleAtLimit"/>: nothing was
/// sent because the SIM is at its daily or monthly limit (<c>modules.&lt;name&gt;.limits</c>): the
/// module is to be skipped, which is not a failure of the message.
/// </summary>
public sealed record SmsSendFailed(string Module, string JobId, ImmutableArray<int> SentReferences, string Reason, bool Retryable, bool ModuleAtLimit = false) : IModemSerializable
{
    public int PartsSent => SentReferences.Length;
}

/// <summary>
/// An SMS read from a module, handed to the module's owner. It stays on the SIM until the owner
/// answers <see cref="ConfirmStored"/> (to the sender of this message, or to the bank); until
/// then it is offered again every <c>gateway.modem.store-confirm-timeout</c>
/// (<see cref="Offer"/> counts), and after a module restart it is listed and offered again. The
/// <see cref="ReceiptId"/> is the same each time (module, SIM index and a hash of the PDU), so the
/// owner can recognise one it already stored and simply confirm it again.
/// </summary>
/// <param name="SimIndex">Where it is on the SIM; null for an SMS the modem routed straight to us (+CMT).</param>
public abstract record IncomingSms(string Module, string ReceiptId, string PduHex, int? SimIndex, int Offer) : IModemSerializable;

/// <summary>
/// A received SMS-DELIVER. One part of a concatenated message is one <see cref="SmsReceived"/>
/// (its <see cref="SmsDeliver.Concat"/> says which); reassembly happens above the module.
/// </summary>
public sealed record SmsReceived(string Module, string ReceiptId, SmsDeliver Sms, string PduHex, int? SimIndex, int Offer)
    : IncomingSms(Module, ReceiptId, PduHex, SimIndex, Offer);

/// <summary>
/// A message on the SIM whose PDU cannot be decoded. It is kept on the SIM like any other until
/// the owner confirms it has kept a record (the raw PDU and the problem), so nothing is lost silently.
/// </summary>
public sealed record UndecodableSmsReceived(string Module, string ReceiptId, string PduHex, string Problem, int? SimIndex, int Offer)
    : IncomingSms(Module, ReceiptId, PduHex, SimIndex, Offer);

/// <summary>The owner has durably stored the message of <see cref="ReceiptId"/>: the module may delete it from the SIM.</summary>
public sealed record ConfirmStored(string Module, string ReceiptId) : IModemSerializable;

/// <summary>
/// A status report for a part this module sent, matched by TP-MR to the job and part it
/// belongs to while the module remembers it (the last send of each of the 256 TP-MRs, within
/// this module's life); <see cref="JobId"/> is null when it cannot tell, and the receiver
/// matches by (module, TP-MR, recipient) instead.
/// </summary>
public sealed record StatusReportReceived(string Module, SmsStatusReport Report, string? JobId, int? PartIndex) : IModemSerializable;

/// <summary>What a module is doing, for routing and for operators.</summary>
public enum ModuleState
{
    /// <summary>Opening the port or connection.</summary>
    Connecting,

    /// <summary>Running the start-up commands.</summary>
    Initializing,

    /// <summary>Sending and receiving.</summary>
    Ready,

    /// <summary>Closed after a failure; the bank reopens it after a back-off (unless it needs an operator).</summary>
    Down,
}

/// <summary>
/// A module's state as other actors see it; published to subscribers on every change and given
/// in answer to <see cref="GetModuleStatus"/>.
/// </summary>
/// <param name="Since">When <see cref="State"/> last changed.</param>
/// <param name="SignalCsq">AT+CSQ rssi (0–31), null when unknown.</param>
/// <param name="SignalDbm">The same in dBm (−113 to −51).</param>
/// <param name="QueueLength">Send jobs waiting behind the one in flight.</param>
/// <param name="InFlight">Send jobs being sent now (0 or 1).</param>
/// <param name="AwaitingConfirmation">Received SMS handed on and not yet confirmed stored (still on the SIM).</param>
/// <param name="LastError">The last failure (a refused send, a dead modem), kept until a newer one.</param>
/// <param name="NeedsOperator">The module will not be reopened by itself (e.g. the SIM refused its PIN).</param>
/// <param name="ReopenAt">While down: when the bank will try again.</param>
/// <param name="Usage">Parts sent against the SIM's limits; null for a module without limits.</param>
public sealed record ModuleStatus(
    string Module,
    string Endpoint,
    ModuleState State,
    DateTimeOffset Since,
    bool Registered,
    int? SignalCsq,
    int? SignalDbm,
    string? Operator,
    int QueueLength,
    int InFlight,
    int AwaitingConfirmation,
    string? LastError,
    bool NeedsOperator = false,
    DateTimeOffset? ReopenAt = null,
    ModuleUsageStatus? Usage = null) : IModemSerializable
{
    /// <summary>Jobs queued or being sent: what least-busy routing compares.</summary>
    public int Load => QueueLength + InFlight;

    /// <summary>One line for the log: <c>gsm-1 ready, registered, -73 dBm, "Virtual", load 0</c>.</summary>
    public string Describe() =>
        $"{Module} {State.ToString().ToLowerInvariant()}"
        + (State == ModuleState.Ready
            ? $", {(Registered ? "registered" : "not registered")}, {(SignalDbm is { } dbm ? $"{dbm} dBm" : "signal unknown")}, operator \"{Operator ?? "?"}\", load {Load}"
              + (Usage is { } u ? $", {u.Describe()}" : "")
            : "")
        + (LastError is not null && State != ModuleState.Ready ? $": {LastError}" : "")
        + (ReopenAt is { } at ? $"; reopening at {at:HH:mm:ss}" : "")
        + (NeedsOperator ? "; needs an operator" : "");
}

/// <summary>
/// A SIM's sending against its limits, in SMS parts (plans bill parts): today and this month in
/// the node's local calendar. <see cref="RemainingToday"/> / <see cref="RemainingThisMonth"/> are
/// null where no limit is set. <see cref="NextSendAt"/>: when <c>min-interval</c> pacing lets the
/// next part go (null = now). A module at a limit refuses sends (retryable, <see cref="SmsSendFailed.ModuleAtLimit"/>)
/// and routing skips it until the day or month turns.
/// </summary>
public sealed record ModuleUsageStatus(int SentToday, int SentThisMonth, int? RemainingToday, int? RemainingThisMonth, DateTimeOffset? NextSendAt)
{
    /// <summary>The parts the SIM may still send under both limits; null = no limit.</summary>
    public int? Remaining => (RemainingToday, RemainingThisMonth) switch
    {
        ({ } d, { } m) => Math.Min(d, m),
        ({ } d, null) => d,
        (null, { } m) => m,
        _ => null,
    };

    public bool AtLimit => Remaining == 0;

    /// <summary>Whether a message of <paramref name="parts"/> parts fits what is left.</summary>
    public bool CanTake(int parts) => Remaining is not { } left || left >= parts;

    public string Describe() =>
        $"{SentToday} part(s) today"
        + (RemainingToday is { } d ? $" ({d} left)" : "")
        + $", {SentThisMonth} this month"
        + (RemainingThisMonth is { } m ? $" ({m} left)" : "")
        + (AtLimit ? ", at its limit" : "");
}

/// <summary>
/// Marks what the modem part writes to the journal (the SIMs' usage counters) and every modem
/// message that can cross the cluster (a router sends through, and follows, modules on other
/// nodes); bound to <see cref="ModemSerializer"/>, never to a reflection-based default.
/// </summary>
public interface IModemSerializable;

/// <summary>
/// A module has closed its link and is about to stop: its bank stops forwarding to it and answers
/// <c>ModemBank.StopModule</c>, so no forwarded send is left unanswered.
/// </summary>
public sealed record ModuleStopping(string Module) : IModemSerializable;

/// <summary>Asks for <see cref="Module"/>'s <see cref="ModuleStatus"/>.</summary>
public sealed record GetModuleStatus(string Module) : IModemSerializable;

/// <summary><see cref="Subscriber"/> gets every <see cref="ModuleStatus"/> change (of one module, or of all of a bank's), starting with the current one.</summary>
public sealed record SubscribeModuleStatus(IActorRef Subscriber) : IModemSerializable;

/// <summary>Stops the status updates of <see cref="SubscribeModuleStatus"/> (a subscriber that stops is removed anyway).</summary>
public sealed record UnsubscribeModuleStatus(IActorRef Subscriber) : IModemSerializable;

/// <summary>Asks a modem bank for the status of all its modules.</summary>
public sealed class GetModemBankStatus : IModemSerializable
{
    public static GetModemBankStatus Instance { get; } = new();

    private GetModemBankStatus() { }
}

/// <summary>The statuses of a bank's modules, by name.</summary>
public sealed record ModemBankStatus(ImmutableSortedDictionary<string, ModuleStatus> Modules) : IModemSerializable;

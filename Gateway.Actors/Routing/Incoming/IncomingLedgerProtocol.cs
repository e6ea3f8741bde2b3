using System.Collections.Immutable;

namespace Gateway.Routing.Incoming;

// The messages of the incoming ledger: the node's persistent record of SMS that were taken off a
// SIM without going to a mailbox (dropped by a rule, matched by no rule, undecodable).

/// <summary>Marks what the incoming ledger writes to its journal or sends; bound to <see cref="IncomingSerializer"/>.</summary>
public interface IIncomingSerializable;

/// <summary>Why an SMS was kept as a record instead of going to a mailbox.</summary>
public enum KeptReason
{
    /// <summary>A <c>drop</c> rule matched (<see cref="KeptSms.RuleIndex"/> says which).</summary>
    Dropped,

    /// <summary>No rule matched and there is no postmaster.</summary>
    Unmatched,

    /// <summary>The PDU could not be decoded (<see cref="KeptSms.PduHex"/> and <see cref="KeptSms.Problem"/> keep it).</summary>
    Undecodable,
}

/// <summary>
/// One SMS the gateway took off a SIM without storing it in a mailbox: who sent it, when, where it
/// arrived, which rule decided, and what it said (the text, or the raw PDU of one that could not be
/// decoded).
/// </summary>
/// <param name="DeliveryId">The incoming router's id for the SMS (from its SIM receipts); a second record with the same id is not kept twice.</param>
/// <param name="KeptAt">When the record was written (node clock).</param>
/// <param name="Sender">The originator (E.164, digits or a name); null when undecodable.</param>
/// <param name="Timestamp">The service centre time stamp; null when undecodable.</param>
/// <param name="Parts">SMS parts it came in (0 when undecodable).</param>
/// <param name="MissingParts">Parts that never arrived (an incomplete concatenated SMS).</param>
public sealed record KeptSms(
    string DeliveryId,
    KeptReason Reason,
    DateTimeOffset KeptAt,
    string Module,
    string Group,
    string? Sender,
    DateTimeOffset? Timestamp,
    string? Text,
    string? PduHex,
    int? RuleIndex,
    string? Problem,
    int Parts,
    ImmutableArray<int> MissingParts) : IIncomingSerializable;

/// <summary>Keeps <see cref="Record"/>. Replies <see cref="SmsKept"/> once it is in the journal (or was already), else <see cref="SmsNotKept"/>.</summary>
public sealed record KeepSms(KeptSms Record) : IIncomingSerializable;

public sealed record SmsKept(string DeliveryId) : IIncomingSerializable;

public sealed record SmsNotKept(string DeliveryId, string Reason) : IIncomingSerializable;

/// <summary>Operators' query: the newest kept records (of one <see cref="Reason"/>, or all), newest first, at most <see cref="Limit"/>.</summary>
public sealed record ListKeptSms(KeptReason? Reason = null, int Limit = 100) : IIncomingSerializable;

/// <param name="Total">How many records of that kind the node holds.</param>
public sealed record KeptSmsList(IReadOnlyList<KeptSms> Records, int Total) : IIncomingSerializable;

/// <summary>The ledger's snapshot: every record it holds, oldest first.</summary>
public sealed record IncomingLedgerSnapshot(ImmutableArray<KeptSms> Records) : IIncomingSerializable;

/// <summary>Key for the node's incoming ledger in Akka.Hosting's ActorRegistry.</summary>
public sealed class IncomingLedgerKey;

/// <summary>Key for the node's incoming router (the modem bank's owner) in Akka.Hosting's ActorRegistry.</summary>
public sealed class IncomingRouterKey;

using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Gateway.Sms;

namespace Gateway.Routing.Incoming;

/// <summary>
/// One message the incoming router takes care of, from the moment it is whole (or given up as
/// incomplete, or found undecodable) until it is stored: what it says, where it arrived, and the
/// SIM receipts of its parts, which are confirmed (and so deleted from the SIM) only once it is
/// stored.
/// </summary>
/// <param name="DeliveryId">Derived from <see cref="Receipts"/> (<see cref="IdFor"/>): the same parts give the same id after a crash, so the mailbox stores it once.</param>
/// <param name="Sender">Null for an undecodable PDU.</param>
/// <param name="Timestamp">The first part's service centre time stamp; null for an undecodable PDU.</param>
/// <param name="Parts">Parts that arrived (1 for a plain SMS).</param>
/// <param name="Missing">Part numbers that never arrived (empty when whole).</param>
/// <param name="Receipts">The receipt of each part that arrived, in part order.</param>
/// <param name="Key">Which concatenated message it is (null for a single SMS or an undecodable PDU).</param>
/// <param name="PduHex">The raw PDU of an undecodable message.</param>
/// <param name="Problem">Why it could not be decoded.</param>
public sealed record RoutedSms(
    string DeliveryId,
    string Module,
    string Group,
    string? SimNumber,
    SmsAddress? Sender,
    DateTimeOffset? Timestamp,
    string Text,
    int Parts,
    ImmutableArray<int> Missing,
    ImmutableArray<string> Receipts,
    ConcatKey? Key = null,
    string? PduHex = null,
    string? Problem = null)
{
    public bool IsUndecodable => PduHex is not null;

    public bool IsIncomplete => !Missing.IsDefaultOrEmpty;

    /// <summary>For the log: <c>SMS from +420777123456 (3 parts) on gsm-1</c>.</summary>
    public string Describe() =>
        IsUndecodable
            ? $"undecodable message on {Module} [{DeliveryId}]"
            : $"SMS from {Sender}{(Parts > 1 || IsIncomplete ? $" ({Parts} part(s){(IsIncomplete ? $", part(s) {string.Join(",", Missing)} missing" : "")})" : "")} on {Module} [{DeliveryId}]";

    /// <summary>
    /// The delivery id of a message that came in these receipts: the receipt itself for a single
    /// part (<c>gsm-1:3:41f11043f436</c>), else the module and a hash of the receipts in part order
    /// (<c>gsm-1:parts:…</c>). Receipts are stable while the SMS is on the SIM (module, SIM slot, a
    /// hash of the PDU), so a message offered again after a crash gets the same id.
    /// </summary>
    public static string IdFor(string module, IReadOnlyList<string> receipts)
    {
        if (receipts.Count == 1) return receipts[0];
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', receipts)));
        return $"{module}:parts:{Convert.ToHexStringLower(hash, 0, 12)}";
    }
}

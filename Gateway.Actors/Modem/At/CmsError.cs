using System.Collections.Frozen;

namespace Gateway.Modem.At;

/// <summary>
/// One error code a modem can report, what it means, and whether sending again (later, or
/// through another module) can succeed. <see cref="Retryable"/> = false only where the message
/// itself can never go: a malformed PDU, a recipient the network refuses for good.
/// </summary>
public sealed record ErrorCode(int Code, string Meaning, bool Retryable);

/// <summary>
/// The <c>+CMS ERROR</c> codes of 3GPP TS 27.005 §3.2.5: 0–127 are RP-cause values of TS 24.011
/// (Table 8.4), 128–255 TP-FCS values of TS 23.040 (§9.2.3.22), 300–500 the modem's own.
/// Codes not in the table are treated as retryable: a good message must not bounce because a
/// modem used an odd code; a bad one fails again on the next module and is bounced then.
/// </summary>
public static class CmsError
{
    private static readonly FrozenDictionary<int, ErrorCode> Table = new ErrorCode[]
    {
        // RP-cause (TS 24.011 Table 8.4): the network refused the submit.
        new(1, "unassigned (unallocated) number", false),
        new(8, "operator determined barring", false),
        new(10, "call barred", false),
        new(17, "network failure", true),
        new(21, "short message transfer rejected", false),
        new(22, "memory capacity exceeded", true),
        new(27, "destination out of service", true),
        new(28, "unidentified subscriber", false),
        new(29, "facility rejected", false),
        new(30, "unknown subscriber", false),
        new(38, "network out of order", true),
        new(41, "temporary failure", true),
        new(42, "congestion", true),
        new(47, "resources unavailable", true),
        new(50, "requested facility not subscribed", false),
        new(69, "requested facility not implemented", false),
        new(81, "invalid short message transfer reference value", true),
        new(95, "invalid message", false),
        new(96, "invalid mandatory information", false),
        new(97, "message type non-existent or not implemented", false),
        new(98, "message not compatible with short message protocol state", true),
        new(99, "information element non-existent or not implemented", false),
        new(111, "protocol error", true),
        new(127, "interworking error", true),
        // TP-FCS (TS 23.040 §9.2.3.22): the service centre refused the TPDU.
        new(128, "telematic interworking not supported", false),
        new(129, "short message type 0 not supported", false),
        new(130, "cannot replace short message", false),
        new(143, "unspecified TP-PID error", false),
        new(144, "data coding scheme not supported", false),
        new(145, "message class not supported", false),
        new(159, "unspecified TP-DCS error", false),
        new(160, "command cannot be actioned", false),
        new(161, "command unsupported", false),
        new(175, "unspecified TP-command error", false),
        new(176, "TPDU not supported", false),
        new(192, "service centre busy", true),
        new(193, "no service centre subscription", false),
        new(194, "service centre system failure", true),
        new(195, "invalid SME address", false),
        new(196, "destination SME barred", false),
        new(197, "short message rejected: duplicate", false),
        new(198, "TP-VPF not supported", false),
        new(199, "TP-VP not supported", false),
        new(208, "SIM SMS storage full", true),
        new(209, "no SMS storage capability in SIM", true),
        new(210, "error in MS", true),
        new(211, "memory capacity exceeded", true),
        new(212, "SIM application toolkit busy", true),
        new(213, "SIM data download error", true),
        new(255, "unspecified error cause", true),
        // The modem's own (TS 27.005 §3.2.5).
        new(300, "ME failure", true),
        new(301, "SMS service of ME reserved", true),
        new(302, "operation not allowed", true),
        new(303, "operation not supported", true),
        new(304, "invalid PDU mode parameter", false),
        new(305, "invalid text mode parameter", false),
        new(310, "SIM not inserted", true),
        new(311, "SIM PIN required", true),
        new(312, "PH-SIM PIN required", true),
        new(313, "SIM failure", true),
        new(314, "SIM busy", true),
        new(315, "SIM wrong", true),
        new(316, "SIM PUK required", true),
        new(317, "SIM PIN2 required", true),
        new(318, "SIM PUK2 required", true),
        new(320, "memory failure", true),
        new(321, "invalid memory index", true),
        new(322, "memory full", true),
        new(330, "SMSC address unknown", true),
        new(331, "no network service", true),
        new(332, "network timeout", true),
        new(340, "no +CNMA acknowledgement expected", true),
        new(500, "unknown error", true),
    }.ToFrozenDictionary(e => e.Code);

    public static ErrorCode Lookup(int code) =>
        Table.TryGetValue(code, out var e) ? e
        : code is >= 512 ? new ErrorCode(code, "manufacturer-specific error", true)
        : new ErrorCode(code, "unlisted error", true);

    /// <summary>Every code the table names (for documentation and tests).</summary>
    public static IEnumerable<ErrorCode> Known => Table.Values.OrderBy(e => e.Code);
}

/// <summary>
/// The <c>+CME ERROR</c> codes of 3GPP TS 27.007 §9.2 a modem may give for SMS commands
/// (some modems report SIM and network trouble this way rather than with +CMS). None of them
/// condemns the message, so all are retryable; the table gives them meaning for the log.
/// </summary>
public static class CmeError
{
    private static readonly FrozenDictionary<int, string> Table = new Dictionary<int, string>
    {
        [0] = "phone failure",
        [1] = "no connection to phone",
        [3] = "operation not allowed",
        [4] = "operation not supported",
        [5] = "PH-SIM PIN required",
        [10] = "SIM not inserted",
        [11] = "SIM PIN required",
        [12] = "SIM PUK required",
        [13] = "SIM failure",
        [14] = "SIM busy",
        [15] = "SIM wrong",
        [16] = "incorrect password",
        [17] = "SIM PIN2 required",
        [18] = "SIM PUK2 required",
        [20] = "memory full",
        [21] = "invalid index",
        [22] = "not found",
        [23] = "memory failure",
        [24] = "text string too long",
        [25] = "invalid characters in text string",
        [26] = "dial string too long",
        [27] = "invalid characters in dial string",
        [30] = "no network service",
        [31] = "network timeout",
        [32] = "network not allowed, emergency calls only",
        [100] = "unknown",
    }.ToFrozenDictionary();

    public static ErrorCode Lookup(int code) =>
        new(code, Table.TryGetValue(code, out var meaning) ? meaning : "unlisted error", true);
}

/// <summary>What a failed AT+CMGS means for the message: the reason to report and whether to retry.</summary>
public static class SendFailure
{
    /// <summary>
    /// Classifies the final result of AT+CMGS. Only +CMS ERROR codes the table marks permanent
    /// fail the message for good; plain ERROR, +CME ERROR and unknown codes are retryable.
    /// </summary>
    public static (string Reason, bool Retryable) Classify(FinalResult result) => result.Kind switch
    {
        FinalResultKind.CmsError when result.Code is { } c => (result.Describe(), CmsError.Lookup(c).Retryable),
        _ => (result.Describe(), true),
    };
}

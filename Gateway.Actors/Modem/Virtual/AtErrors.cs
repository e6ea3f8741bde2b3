namespace Gateway.Modem.Virtual;

/// <summary>Which final result an error is reported as: plain <c>ERROR</c>, <c>+CME ERROR</c> (27.007) or <c>+CMS ERROR</c> (27.005).</summary>
public enum AtErrorFamily { Plain, Cme, Cms }

/// <summary>
/// An error a virtual modem answers with. How it is printed depends on the modem's AT+CMEE
/// setting: 0 prints <c>ERROR</c> for every error, 1 the number, 2 the text.
/// </summary>
public sealed record AtError(AtErrorFamily Family, int Code)
{
    public static readonly AtError Plain = new(AtErrorFamily.Plain, 0);

    public static AtError Cme(int code) => new(AtErrorFamily.Cme, code);

    public static AtError Cms(int code) => new(AtErrorFamily.Cms, code);

    /// <summary>The final result line for AT+CMEE=<paramref name="cmee"/>.</summary>
    public string Format(int cmee) => (Family, cmee) switch
    {
        (AtErrorFamily.Plain, _) or (_, 0) => "ERROR",
        (AtErrorFamily.Cme, 1) => $"+CME ERROR: {Code}",
        (AtErrorFamily.Cme, _) => $"+CME ERROR: {CmeText(Code)}",
        (AtErrorFamily.Cms, 1) => $"+CMS ERROR: {Code}",
        _ => $"+CMS ERROR: {CmsText(Code)}",
    };

    public override string ToString() => Format(1);

    private static string CmeText(int code) => code switch
    {
        CmeCodes.OperationNotAllowed => "operation not allowed",
        CmeCodes.OperationNotSupported => "operation not supported",
        CmeCodes.SimNotInserted => "SIM not inserted",
        CmeCodes.SimPinRequired => "SIM PIN required",
        CmeCodes.SimPukRequired => "SIM PUK required",
        CmeCodes.SimFailure => "SIM failure",
        CmeCodes.IncorrectPassword => "incorrect password",
        CmeCodes.InvalidIndex => "invalid index",
        CmeCodes.NotFound => "not found",
        CmeCodes.TextTooLong => "text string too long",
        CmeCodes.InvalidCharacters => "invalid characters in text string",
        CmeCodes.NoNetworkService => "no network service",
        CmeCodes.IncorrectParameters => "incorrect parameters",
        _ => "unknown",
    };

    private static string CmsText(int code) => code switch
    {
        1 => "unassigned (unallocated) number",
        21 => "short message transfer rejected",
        38 => "network out of order",
        96 => "invalid mandatory information",
        CmsCodes.MeFailure => "ME failure",
        CmsCodes.OperationNotAllowed => "operation not allowed",
        CmsCodes.OperationNotSupported => "operation not supported",
        CmsCodes.InvalidPduParameter => "invalid PDU mode parameter",
        CmsCodes.InvalidTextParameter => "invalid text mode parameter",
        CmsCodes.SimNotInserted => "SIM not inserted",
        CmsCodes.SimPinRequired => "SIM PIN required",
        CmsCodes.SimFailure => "SIM failure",
        CmsCodes.SimPukRequired => "SIM PUK required",
        CmsCodes.MemoryFailure => "memory failure",
        CmsCodes.InvalidMemoryIndex => "invalid memory index",
        CmsCodes.MemoryFull => "memory full",
        CmsCodes.SmscAddressUnknown => "SMSC address unknown",
        CmsCodes.NoNetworkService => "no network service",
        CmsCodes.NetworkTimeout => "network timeout",
        CmsCodes.NoAckExpected => "no +CNMA acknowledgement expected",
        _ => "unknown error",
    };
}

/// <summary>+CME ERROR codes used by the virtual modem (3GPP TS 27.007 9.2).</summary>
public static class CmeCodes
{
    public const int OperationNotAllowed = 3;
    public const int OperationNotSupported = 4;
    public const int SimNotInserted = 10;
    public const int SimPinRequired = 11;
    public const int SimPukRequired = 12;
    public const int SimFailure = 13;
    public const int IncorrectPassword = 16;
    public const int InvalidIndex = 21;
    public const int NotFound = 22;
    public const int TextTooLong = 24;
    public const int InvalidCharacters = 25;
    public const int NoNetworkService = 30;
    public const int IncorrectParameters = 50;
    public const int Unknown = 100;
}

/// <summary>+CMS ERROR codes used by the virtual modem (3GPP TS 27.005 3.2.5; below 256 they are network causes).</summary>
public static class CmsCodes
{
    /// <summary>RP cause 1: the destination does not exist.</summary>
    public const int UnassignedNumber = 1;

    /// <summary>RP cause 96: the network could not read the TPDU.</summary>
    public const int InvalidMandatoryInformation = 96;

    public const int MeFailure = 300;
    public const int OperationNotAllowed = 302;
    public const int OperationNotSupported = 303;
    public const int InvalidPduParameter = 304;
    public const int InvalidTextParameter = 305;
    public const int SimNotInserted = 310;
    public const int SimPinRequired = 311;
    public const int SimFailure = 313;
    public const int SimPukRequired = 316;
    public const int MemoryFailure = 320;
    public const int InvalidMemoryIndex = 321;
    public const int MemoryFull = 322;
    public const int SmscAddressUnknown = 330;
    public const int NoNetworkService = 331;
    public const int NetworkTimeout = 332;
    public const int NoAckExpected = 340;
    public const int UnknownError = 500;
}

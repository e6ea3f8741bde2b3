using Gateway.Sms;
using K = Gateway.Modem.Virtual.AtCommandKind;

namespace Gateway.Modem.Virtual;

/// <summary>
/// 27.005 SMS commands in PDU mode: service and format, SMSC, indications (CNMI/CNMA), storage
/// (CPMS, CMGL, CMGR, CMGD) and sending (CMGS, whose second half is <see cref="SubmitValidation"/>
/// and <see cref="VirtualModem.SubmitAsync"/>). Text mode is not offered: AT+CMGF=1 answers
/// <c>+CMS ERROR: 303</c>. Run under the modem's lock.
/// </summary>
internal static class AtSmsHandlers
{
    /// <summary>The only storage: the SIM ("SM").</summary>
    public const string Storage = "SM";

    /// <summary>Largest TPDU AT+CMGS accepts (an SMS-SUBMIT is at most 164 octets).</summary>
    public const int MaxTpduLength = 176;

    public static IEnumerable<KeyValuePair<string, AtHandler>> All =>
    [
        new("+CSMS", Service),
        new("+CMGF", MessageFormat),
        new("+CSDH", (c, x) => AtGeneralHandlers.Number(c, x, "+CSDH", () => x.Profile.ShowTextHeader, v => x.Profile.ShowTextHeader = v, 0, 1, "(0,1)")),
        new("+CSCA", ServiceCentre),
        new("+CNMI", Indications),
        new("+CNMA", Acknowledge),
        new("+CPMS", PreferredStorage),
        new("+CMGL", List),
        new("+CMGR", Read),
        new("+CMGD", Delete),
        new("+CMGS", Send),
    ];

    private static AtFinal Ok => AtFinal.Success;

    private static AtFinal Cms(int code) => AtFinal.Fail(AtError.Cms(code));

    private static AtFinal Info(AtContext x, string line)
    {
        x.Info(line);
        return Ok;
    }

    private static AtFinal Service(AtCommand c, AtContext x)
    {
        switch (c.Kind)
        {
            case K.Read:
                return Info(x, $"+CSMS: {x.Profile.SmsService},1,1,1");
            case K.Test:
                return Info(x, "+CSMS: (0,1)");
            case K.Set when c.Args is [var a] && AtArguments.TryInt(a, out var service) && service <= 1:
                x.Profile.SmsService = service;
                return Info(x, "+CSMS: 1,1,1");
            default:
                return Cms(CmsCodes.OperationNotSupported);
        }
    }

    private static AtFinal MessageFormat(AtCommand c, AtContext x) => c.Kind switch
    {
        K.Read => Info(x, $"+CMGF: {x.Profile.MessageFormat}"),
        K.Test => Info(x, "+CMGF: (0)"),
        K.Execute or K.Set when c.Argument is "" or "0" => SetPduMode(x),
        K.Set when c.Argument == "1" => Cms(CmsCodes.OperationNotSupported), // PDU mode only
        _ => AtFinal.PlainError,
    };

    private static AtFinal SetPduMode(AtContext x)
    {
        x.Profile.MessageFormat = 0;
        return Ok;
    }

    private static AtFinal ServiceCentre(AtCommand c, AtContext x)
    {
        if (c.Kind == K.Test) return Ok;
        if (x.SimNotReady(smsCommand: true) is { } notReady) return notReady;
        switch (c.Kind)
        {
            case K.Read:
                var sc = x.Sim.ServiceCentre;
                return Info(x, $"+CSCA: {x.Quoted(sc)},{(sc.StartsWith('+') ? 145 : 129)}");
            case K.Set:
                var args = c.Args;
                if (args.Length is < 1 or > 2) return Cms(CmsCodes.OperationNotAllowed);
                var number = x.Unquoted(args[0]);
                var digits = number.StartsWith('+') ? number[1..] : number;
                if (digits.Length > 20 || !digits.All(char.IsAsciiDigit)) return Cms(CmsCodes.OperationNotAllowed);
                x.Sim.ServiceCentre = number;
                return Ok;
            default:
                return Cms(CmsCodes.OperationNotSupported);
        }
    }

    private static AtFinal Indications(AtCommand c, AtContext x)
    {
        switch (c.Kind)
        {
            case K.Read:
                return Info(x, $"+CNMI: {x.Profile.Indications}");
            case K.Test:
                return Info(x, "+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)");
            case K.Set:
                var args = c.Args;
                if (args.Length > 5) return Cms(CmsCodes.OperationNotSupported);
                var v = new int[5];
                for (var i = 0; i < args.Length; i++)
                    if (args[i].Length > 0 && !AtArguments.TryInt(args[i], out v[i])) return Cms(CmsCodes.OperationNotSupported);
                if (v[0] > 3 || v[1] > 3 || v[2] is not (0 or 2) || v[3] > 2 || v[4] > 1) return Cms(CmsCodes.OperationNotSupported);
                x.Profile.Indications = new NewMessageIndications(v[0], v[1], v[2], v[3], v[4]);
                return Ok;
            default:
                return Cms(CmsCodes.OperationNotSupported);
        }
    }

    private static AtFinal Acknowledge(AtCommand c, AtContext x)
    {
        if (c.Kind == K.Test) return Info(x, "+CNMA: (0-2)");
        var positive = true;
        if (c.Kind == K.Set)
        {
            var args = c.Args;
            if (args.Length == 0 || !AtArguments.TryInt(args[0], out var n) || n > 2) return Cms(CmsCodes.OperationNotSupported);
            positive = n != 2;
        }
        else if (c.Kind != K.Execute) return Cms(CmsCodes.OperationNotSupported);
        if (!x.Modem.AcknowledgeLocked(positive, out var refused)) return Cms(CmsCodes.NoAckExpected);
        if (refused is not null) x.AfterUnlock(() => x.Modem.StoreRefused(refused));
        return Ok;
    }

    private static AtFinal PreferredStorage(AtCommand c, AtContext x)
    {
        if (c.Kind == K.Test) return Info(x, $"+CPMS: (\"{Storage}\"),(\"{Storage}\"),(\"{Storage}\")");
        if (x.SimNotReady(smsCommand: true) is { } notReady) return notReady;
        var s = x.Sim.Storage;
        switch (c.Kind)
        {
            case K.Read:
                return Info(x, $"+CPMS: \"{Storage}\",{s.Used},{s.Capacity},\"{Storage}\",{s.Used},{s.Capacity},\"{Storage}\",{s.Used},{s.Capacity}");
            case K.Set:
                var args = c.Args;
                if (args.Length is < 1 or > 3) return Cms(CmsCodes.OperationNotAllowed);
                foreach (var a in args)
                    if (!string.Equals(AtArguments.Unquote(a), Storage, StringComparison.OrdinalIgnoreCase)
                        && !string.Equals(x.Unquoted(a), Storage, StringComparison.OrdinalIgnoreCase))
                        return Cms(CmsCodes.OperationNotAllowed);
                return Info(x, $"+CPMS: {s.Used},{s.Capacity},{s.Used},{s.Capacity},{s.Used},{s.Capacity}");
            default:
                return Cms(CmsCodes.OperationNotSupported);
        }
    }

    private static AtFinal List(AtCommand c, AtContext x)
    {
        if (c.Kind == K.Test) return Info(x, "+CMGL: (0-4)");
        if (x.SimNotReady(smsCommand: true) is { } notReady) return notReady;
        var stat = 0; // 27.005: the default is "received unread"
        var markRead = true;
        if (c.Kind == K.Set)
        {
            var args = c.Args;
            if (args.Length is < 1 or > 2 || !AtArguments.TryInt(args[0], out stat) || stat > 4)
                return Cms(CmsCodes.InvalidPduParameter); // e.g. "ALL": that is text mode's syntax
            if (args.Length == 2) markRead = args[1] != "1"; // SIMCom's <mode>: 1 = do not change the status
        }
        else if (c.Kind != K.Execute) return Cms(CmsCodes.OperationNotSupported);
        foreach (var sms in x.Sim.Storage.List(stat, markRead))
        {
            x.Info($"+CMGL: {sms.Index},{(int)sms.Status},,{sms.TpduLength}");
            x.Info(sms.Hex);
        }
        return Ok;
    }

    private static AtFinal Read(AtCommand c, AtContext x)
    {
        if (c.Kind == K.Test) return Ok;
        if (c.Kind != K.Set) return Cms(CmsCodes.OperationNotSupported);
        if (x.SimNotReady(smsCommand: true) is { } notReady) return notReady;
        var args = c.Args;
        if (args.Length is < 1 or > 2 || !AtArguments.TryInt(args[0], out var index) || !x.Sim.Storage.IsValidIndex(index))
            return Cms(CmsCodes.InvalidMemoryIndex);
        var markRead = args.Length < 2 || args[1] != "1";
        var sms = markRead ? x.Sim.Storage.Read(index) : x.Sim.Storage.Get(index);
        if (sms is null) return Cms(CmsCodes.InvalidMemoryIndex); // an empty slot
        x.Info($"+CMGR: {(int)sms.Status},,{sms.TpduLength}");
        x.Info(sms.Hex);
        return Ok;
    }

    private static AtFinal Delete(AtCommand c, AtContext x)
    {
        if (x.SimNotReady(smsCommand: true) is { } notReady) return notReady;
        var storage = x.Sim.Storage;
        if (c.Kind == K.Test)
            return Info(x, $"+CMGD: ({string.Join(",", storage.UsedIndexes())}),(0-4)");
        if (c.Kind != K.Set) return Cms(CmsCodes.OperationNotSupported);
        var args = c.Args;
        if (args.Length is < 1 or > 2 || !AtArguments.TryInt(args[0], out var index))
            return Cms(CmsCodes.InvalidMemoryIndex);
        var flag = 0;
        if (args.Length == 2 && (!AtArguments.TryInt(args[1], out flag) || flag > 4))
            return Cms(CmsCodes.OperationNotSupported);
        bool freed;
        if (flag == 0)
        {
            if (!storage.IsValidIndex(index)) return Cms(CmsCodes.InvalidMemoryIndex);
            freed = storage.Delete(index); // deleting an empty slot is OK, as on most modules
        }
        else freed = storage.DeleteAll(flag) > 0;
        if (freed) x.AfterUnlock(x.Modem.NotifyStorageFreed);
        return Ok;
    }

    private static AtFinal Send(AtCommand c, AtContext x)
    {
        if (c.Kind == K.Test) return Ok;
        if (c.Kind != K.Set) return AtFinal.PlainError;
        if (x.SimNotReady(smsCommand: true) is { } notReady) return notReady;
        var args = c.Args;
        if (args.Length != 1 || !AtArguments.TryInt(args[0], out var length) || length is < 1 or > MaxTpduLength)
            return Cms(CmsCodes.InvalidPduParameter);
        return new AtFinal.Prompt(length);
    }
}

/// <summary>
/// The checks a modem and the network make on the PDU given to AT+CMGS, in order, each with the
/// error a real module answers. Pure.
/// </summary>
internal static class SubmitValidation
{
    public static AtError? Check(string? hex, int declaredLength, string simServiceCentre, bool registered, out SmsSubmit? submit, out string? problem)
    {
        submit = null;
        AtError Fail(int code, string why, out string? p)
        {
            p = why;
            return AtError.Cms(code);
        }

        if (hex is null) return Fail(CmsCodes.InvalidPduParameter, "the PDU is longer than the modem's buffer", out problem);
        if (hex.Length == 0 || hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
            return Fail(CmsCodes.InvalidPduParameter, "the PDU is not an even number of hex digits", out problem);
        var bytes = Convert.FromHexString(hex);
        if (1 + bytes[0] > bytes.Length) return Fail(CmsCodes.InvalidPduParameter, "the SMSC length runs past the PDU", out problem);
        var tpduLength = bytes.Length - 1 - bytes[0];
        if (tpduLength != declaredLength)
            return Fail(CmsCodes.InvalidPduParameter, $"AT+CMGS={declaredLength} but the TPDU has {tpduLength} octets", out problem);
        if (!Pdu.TryDecode(bytes, hasServiceCentre: true, PduDirection.MobileOriginated, out var pdu, out var error) || pdu is not SmsSubmit s)
            return Fail(CmsCodes.InvalidMandatoryInformation, $"the TPDU is not a valid SMS-SUBMIT: {error ?? pdu?.GetType().Name}", out problem);
        if (bytes[0] == 0 && simServiceCentre.Length == 0)
            return Fail(CmsCodes.SmscAddressUnknown, "no SMSC in the PDU and none set with AT+CSCA", out problem);
        if (!registered) return Fail(CmsCodes.NoNetworkService, "not registered on the network", out problem);
        if (s.Destination.Type == AddressType.Alphanumeric || s.Destination.Value.Length == 0)
            return Fail(CmsCodes.UnassignedNumber, $"cannot deliver to \"{s.Destination.Value}\"", out problem);
        submit = s;
        problem = null;
        return null;
    }
}

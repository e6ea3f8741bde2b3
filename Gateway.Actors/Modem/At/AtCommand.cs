using System.Collections.Immutable;

namespace Gateway.Modem.At;

/// <summary>
/// One AT command as the driver sends it. <see cref="ResponsePrefix"/> (e.g. <c>+CREG:</c>) tells
/// the command's own information lines from unsolicited ones that look alike (<c>+CREG: 0,1</c>
/// answers AT+CREG?, a lone <c>+CREG: 1</c> is a registration change). When <see cref="Pdu"/> is
/// set the command waits for the <c>&gt; </c> prompt, then the PDU is written with Ctrl-Z.
/// <see cref="Sensitive"/> commands (the PIN) are never logged as written.
/// </summary>
public sealed record AtCommand(string Text, string? ResponsePrefix, string? Pdu = null, bool Sensitive = false)
{
    /// <summary>Ends a PDU after the prompt (send).</summary>
    public const char CtrlZ = '\x1A';

    /// <summary>Ends a PDU after the prompt (cancel).</summary>
    public const char Escape = '\x1B';

    public bool ExpectsPrompt => Pdu is not null;

    /// <summary>A command whose response prefix is read from its name: <c>AT+CSQ</c> → <c>+CSQ:</c>; basic commands (ATE0) have none.</summary>
    public static AtCommand Of(string text) => new(text, PrefixOf(text));

    /// <summary>AT+CMGS=&lt;tpdu length&gt;, then <paramref name="pduHex"/> after the prompt.</summary>
    public static AtCommand SendPdu(int tpduLength, string pduHex) => new($"AT+CMGS={tpduLength}", "+CMGS:", pduHex);

    /// <summary>AT+CPIN="…": sent only when the SIM asks; redacted in every log.</summary>
    public static AtCommand EnterPin(string pin) => new($"AT+CPIN=\"{pin}\"", "+CPIN:", Sensitive: true);

    internal static string? PrefixOf(string text)
    {
        if (text.Length < 4 || !text.StartsWith("AT", StringComparison.OrdinalIgnoreCase) || text[2] is not ('+' or '^' or '$' or '#'))
            return null;
        var end = text.IndexOfAny(['=', '?', ';'], 3);
        var name = end < 0 ? text[2..] : text[2..end];
        return name.ToUpperInvariant() + ":";
    }

    public override string ToString() => AtLog.Redact(Text);
}

/// <summary>What a command came back with: its information lines (echo removed) and the final result.</summary>
public sealed record AtResult(FinalResult Final, ImmutableArray<string> Lines)
{
    public bool IsOk => Final.IsOk;

    /// <summary>The first information line starting with <paramref name="prefix"/>, without it, trimmed.</summary>
    public string? Value(string prefix)
    {
        foreach (var line in Lines)
            if (line.StartsWith(prefix, StringComparison.Ordinal))
                return line[prefix.Length..].Trim();
        return null;
    }
}

/// <summary>Redaction for AT logs: PINs, PUKs and passwords never reach a log line.</summary>
public static class AtLog
{
    private static readonly string[] SecretCommands = ["+CPIN=", "+CPIN2=", "+CLCK=", "+CPWD=", "+CPINR="];

    /// <summary>The line with the arguments of secret-bearing commands replaced by <c>***</c> (also in echoes).</summary>
    public static string Redact(string line)
    {
        foreach (var secret in SecretCommands)
        {
            var i = line.IndexOf(secret, StringComparison.OrdinalIgnoreCase);
            if (i >= 0) return line[..(i + secret.Length)] + "***";
        }
        return line;
    }
}

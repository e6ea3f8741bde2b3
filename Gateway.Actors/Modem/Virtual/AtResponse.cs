using System.Collections.Immutable;
using System.Text;

namespace Gateway.Modem.Virtual;

/// <summary>How a command line ended: <c>OK</c>, an error, or the <c>&gt; </c> prompt for a PDU of the given TPDU length.</summary>
internal abstract record AtFinal
{
    public sealed record Ok : AtFinal
    {
        public static readonly Ok Instance = new();
    }

    public sealed record Failed(AtError Error) : AtFinal;

    public sealed record Prompt(int TpduLength) : AtFinal;

    public static readonly AtFinal Success = Ok.Instance;

    public static AtFinal Fail(AtError error) => new Failed(error);

    public static readonly AtFinal PlainError = new Failed(AtError.Plain);
}

/// <summary>ATV (verbose or numeric results), ATQ (quiet) and AT+CMEE as they stood when a response was made.</summary>
internal readonly record struct ResultFormat(bool Verbose, bool Quiet, int Cmee)
{
    public static readonly ResultFormat Default = new(true, false, 0);
}

/// <summary>The information lines and final result of one command line (or of a PDU sent after the prompt).</summary>
internal sealed record AtResponse(ImmutableArray<string> Lines, AtFinal Final, ResultFormat Format)
{
    /// <summary>
    /// The bytes a modem writes (V.250 5.7): verbose results as <c>CR LF text CR LF</c>, numeric
    /// ones as <c>0 CR</c>; information lines as one block (<c>CR LF</c> before the first, each
    /// ended by <c>CR LF</c>, so a PDU follows its header line directly); no result code when quiet.
    /// </summary>
    public string Render()
    {
        var sb = new StringBuilder();
        if (Lines.Length > 0)
        {
            if (Format.Verbose) sb.Append("\r\n");
            foreach (var line in Lines) sb.Append(line).Append("\r\n");
        }
        switch (Final)
        {
            case AtFinal.Prompt:
                sb.Append(Format.Verbose ? "\r\n> " : "> ");
                break;
            case var _ when Format.Quiet:
                break;
            case AtFinal.Ok:
                sb.Append(Format.Verbose ? "\r\nOK\r\n" : "0\r");
                break;
            case AtFinal.Failed f when f.Error.Family == AtErrorFamily.Plain || Format.Cmee == 0:
                sb.Append(Format.Verbose ? "\r\nERROR\r\n" : "4\r");
                break;
            case AtFinal.Failed f:
                AppendLine(sb, f.Error.Format(Format.Cmee), Format);
                break;
        }
        return sb.ToString();
    }

    /// <summary>An unsolicited result (may span lines, e.g. <c>+CMT: ,24</c> and its PDU) as the modem writes it.</summary>
    public static string RenderUnsolicited(string text, ResultFormat format)
    {
        var sb = new StringBuilder();
        AppendLine(sb, text, format);
        return sb.ToString();
    }

    private static void AppendLine(StringBuilder sb, string line, ResultFormat format)
    {
        if (format.Verbose) sb.Append("\r\n");
        sb.Append(line).Append("\r\n");
    }
}

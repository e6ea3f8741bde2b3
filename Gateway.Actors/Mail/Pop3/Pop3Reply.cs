using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;

namespace Gateway.Mail.Pop3;

/// <summary>What the connection does after writing a reply.</summary>
public enum Pop3ReplyAction
{
    None,

    /// <summary>Start TLS (the reply was STLS's <c>+OK</c>); input read before the handshake is discarded.</summary>
    StartTls,

    /// <summary>Close the connection.</summary>
    Close,
}

/// <summary>The exact bytes of one reply (single- or multi-line, CRLF-terminated, dot-stuffed) and what follows it.</summary>
public sealed record Pop3Reply(ImmutableArray<byte> Bytes, Pop3ReplyAction After = Pop3ReplyAction.None)
{
    public static Pop3Reply Ok(string text, Pop3ReplyAction after = Pop3ReplyAction.None) => Line("+OK" + (text.Length > 0 ? " " + text : ""), after);

    /// <summary><c>-ERR text</c>; put a response code such as <c>[AUTH]</c> at the start of <paramref name="text"/>.</summary>
    public static Pop3Reply Err(string text, Pop3ReplyAction after = Pop3ReplyAction.None) => Line("-ERR " + text, after);

    /// <summary>A SASL continuation (RFC 5034): <c>+ </c> and a base64 challenge.</summary>
    public static Pop3Reply Continue(string base64Challenge) => Line("+ " + base64Challenge);

    public static Pop3Reply Line(string line, Pop3ReplyAction after = Pop3ReplyAction.None) =>
        new(Ascii(line + "\r\n"), after);

    /// <summary>A multi-line reply: the status line, each line dot-stuffed, then the terminating <c>.</c>.</summary>
    public static Pop3Reply MultiLine(string status, IEnumerable<string> lines)
    {
        var sb = new StringBuilder(status.Length + 64).Append(status).Append("\r\n");
        foreach (var line in lines)
        {
            if (line.StartsWith('.')) sb.Append('.');
            sb.Append(line).Append("\r\n");
        }
        sb.Append(".\r\n");
        return new Pop3Reply(Ascii(sb.ToString()));
    }

    /// <summary>
    /// A message (RETR) or its top (TOP): <c>+OK status</c>, the message bytes dot-stuffed (a line
    /// starting with <c>.</c> gets another), then <c>.</c>. The content is CRLF-terminated as stored;
    /// <paramref name="bodyLines"/> limits the body to that many lines after the header (TOP).
    /// </summary>
    public static Pop3Reply Message(string status, ReadOnlySpan<byte> content, int? bodyLines = null)
    {
        if (bodyLines is { } n) content = content[..TopLength(content, n)];
        var dots = CountLinesStartingWithDot(content);
        var head = Encoding.ASCII.GetBytes("+OK " + status + "\r\n");
        var endsWithNewline = content.Length >= 2 && content[^2] == '\r' && content[^1] == '\n';
        var bytes = new byte[head.Length + content.Length + dots + (endsWithNewline || content.Length == 0 ? 0 : 2) + 3];
        head.CopyTo(bytes, 0);
        var at = head.Length;
        if (dots == 0)
        {
            content.CopyTo(bytes.AsSpan(at));
            at += content.Length;
        }
        else
        {
            var lineStart = true;
            foreach (var b in content)
            {
                if (lineStart && b == '.') bytes[at++] = (byte)'.';
                bytes[at++] = b;
                lineStart = b == '\n';
            }
        }
        if (!endsWithNewline && content.Length > 0)
        {
            bytes[at++] = (byte)'\r';
            bytes[at++] = (byte)'\n';
        }
        ".\r\n"u8.CopyTo(bytes.AsSpan(at));
        return new Pop3Reply(ImmutableCollectionsMarshal.AsImmutableArray(bytes));
    }

    /// <summary>The text of a single-line reply, for logs and tests.</summary>
    public override string ToString() => Encoding.ASCII.GetString(Bytes.AsSpan()).TrimEnd('\r', '\n') + (After == Pop3ReplyAction.None ? "" : $" [then {After}]");

    private static ImmutableArray<byte> Ascii(string s) => ImmutableCollectionsMarshal.AsImmutableArray(Encoding.ASCII.GetBytes(s));

    private static int CountLinesStartingWithDot(ReadOnlySpan<byte> content)
    {
        var count = content.Length > 0 && content[0] == '.' ? 1 : 0;
        var i = 0;
        while (true)
        {
            var at = content[i..].IndexOf("\n."u8);
            if (at < 0) return count;
            count++;
            i += at + 2;
        }
    }

    /// <summary>How many bytes of <paramref name="content"/> are its header, the blank line and the first <paramref name="bodyLines"/> body lines.</summary>
    public static int TopLength(ReadOnlySpan<byte> content, int bodyLines)
    {
        var headerEnd = content.IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0) return content.Length; // no body: the whole message is header
        var at = headerEnd + 4;
        for (var line = 0; line < bodyLines && at < content.Length; line++)
        {
            var next = content[at..].IndexOf("\r\n"u8);
            at = next < 0 ? content.Length : at + next + 2;
        }
        return at;
    }
}

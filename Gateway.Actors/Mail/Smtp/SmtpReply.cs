using System.Text;

namespace Gateway.Mail.Smtp;

/// <summary>
/// One SMTP reply as the gateway decides it: code and text (with the RFC 3463 enhanced status
/// code first). Immutable, so actors can send it; the SmtpServer hooks turn it into the library's
/// response. The text is kept to printable ASCII on one line, whatever the input it quotes.
/// </summary>
public sealed record SmtpReply
{
    public SmtpReply(int code, string text)
    {
        Code = code;
        Text = Printable(text);
    }

    public int Code { get; }

    public string Text { get; }

    public bool IsPositive => Code is >= 200 and < 400;

    public override string ToString() => $"{Code} {Text}";

    public static readonly SmtpReply Ok = new(250, "2.1.0 OK");

    /// <summary>The store did not answer in time: the client must try again; never a 250.</summary>
    public static SmtpReply StoreTimeout(TimeSpan after) =>
        new(451, $"4.3.0 the mail could not be stored within {after.TotalSeconds:0.#} s; nothing was sent, try again later");

    private static string Printable(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
            sb.Append(c is >= ' ' and <= '~' ? c : c is '\r' or '\n' or '\t' ? ' ' : '?');
        return sb.ToString();
    }
}

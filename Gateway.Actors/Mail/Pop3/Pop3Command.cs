using System.Globalization;

namespace Gateway.Mail.Pop3;

/// <summary>The POP3 commands this server knows (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH).</summary>
public enum Pop3Verb { User, Pass, Stat, List, Retr, Dele, Noop, Rset, Quit, Top, Uidl, Capa, Stls, Auth }

/// <summary>
/// A parsed command line. <see cref="Message"/> is a message number (RETR, DELE, TOP, LIST/UIDL
/// with an argument), <see cref="Lines"/> the line count of TOP, <see cref="Text"/> the USER name,
/// the PASS password (which may contain spaces) or the AUTH mechanism, <see cref="InitialResponse"/>
/// the optional SASL initial response of AUTH.
/// </summary>
public sealed record Pop3Command(Pop3Verb Verb, int? Message = null, int? Lines = null, string? Text = null, string? InitialResponse = null)
{
    /// <summary>The command for logs, with passwords and SASL data left out.</summary>
    public override string ToString() => Verb switch
    {
        Pop3Verb.Pass => "PASS ***",
        Pop3Verb.Auth => $"AUTH {Text}{(InitialResponse is null ? "" : " ***")}",
        Pop3Verb.User => $"USER {Text}",
        _ => string.Join(' ', new[] { Verb.ToString().ToUpperInvariant(), Message?.ToString(CultureInfo.InvariantCulture), Lines?.ToString(CultureInfo.InvariantCulture) }
            .Where(p => p is not null)),
    };
}

/// <summary>Why a line is not a command; <see cref="Reply"/> is the text after <c>-ERR </c>.</summary>
public sealed record Pop3ParseError(string Reply);

/// <summary>
/// Parses one command line (without its CRLF) into a <see cref="Pop3Command"/>. Pure. Keywords are
/// case-insensitive; arguments are separated by single spaces (extra spaces are tolerated);
/// message numbers are decimal, 1 or more. Anything else is a <see cref="Pop3ParseError"/> with a
/// reply that says what was wrong.
/// </summary>
public static class Pop3CommandParser
{
    /// <summary>RFC 1939: arguments are at most 40 characters (passwords excepted: they are taken whole).</summary>
    public const int MaxArgumentLength = 40;

    public static bool TryParse(string line, out Pop3Command command, out Pop3ParseError error)
    {
        command = null!;
        error = null!;
        if (line.Any(c => c < ' ' && c != '\t' || c > '~'))
        {
            error = new Pop3ParseError("unknown command (the line holds control or non-ASCII characters)");
            return false;
        }
        var space = line.IndexOf(' ');
        var keyword = space < 0 ? line : line[..space];
        var rest = space < 0 ? "" : line[(space + 1)..];
        if (!TryVerb(keyword, out var verb))
        {
            error = new Pop3ParseError(keyword.Length == 0 ? "empty command" : "unknown command");
            return false;
        }
        if (verb == Pop3Verb.Pass)
        {
            // RFC 1939 lets a password contain spaces: everything after "PASS " is the password.
            if (rest.Length == 0) return Fail("PASS needs a password", out error);
            command = new Pop3Command(verb, Text: rest);
            return true;
        }
        var args = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (args.Any(a => a.Length > MaxArgumentLength)) return Fail("argument too long", out error);
        switch (verb)
        {
            case Pop3Verb.Stat or Pop3Verb.Noop or Pop3Verb.Rset or Pop3Verb.Quit or Pop3Verb.Capa or Pop3Verb.Stls:
                if (args.Length != 0) return Fail($"{keyword.ToUpperInvariant()} takes no arguments", out error);
                command = new Pop3Command(verb);
                return true;
            case Pop3Verb.User:
                if (args.Length != 1) return Fail("USER needs one name", out error);
                command = new Pop3Command(verb, Text: args[0]);
                return true;
            case Pop3Verb.List or Pop3Verb.Uidl:
                if (args.Length > 1) return Fail($"{keyword.ToUpperInvariant()} takes at most one message number", out error);
                if (args.Length == 0)
                {
                    command = new Pop3Command(verb);
                    return true;
                }
                if (!TryNumber(args[0], out var listed)) return Fail("invalid message number", out error);
                command = new Pop3Command(verb, Message: listed);
                return true;
            case Pop3Verb.Retr or Pop3Verb.Dele:
                if (args.Length != 1) return Fail($"{keyword.ToUpperInvariant()} needs one message number", out error);
                if (!TryNumber(args[0], out var message)) return Fail("invalid message number", out error);
                command = new Pop3Command(verb, Message: message);
                return true;
            case Pop3Verb.Top:
                if (args.Length != 2) return Fail("TOP needs a message number and a line count", out error);
                if (!TryNumber(args[0], out var top)) return Fail("invalid message number", out error);
                if (!int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var lines))
                    return Fail("invalid line count", out error);
                command = new Pop3Command(verb, Message: top, Lines: lines);
                return true;
            case Pop3Verb.Auth:
                if (args.Length > 2) return Fail("AUTH takes a mechanism and an optional initial response", out error);
                command = new Pop3Command(verb, Text: args.Length > 0 ? args[0].ToUpperInvariant() : null, InitialResponse: args.Length > 1 ? args[1] : null);
                return true;
        }
        return Fail("unknown command", out error);
    }

    private static bool Fail(string reply, out Pop3ParseError error)
    {
        error = new Pop3ParseError(reply);
        return false;
    }

    private static bool TryVerb(string keyword, out Pop3Verb verb)
    {
        verb = default;
        if (keyword.Length is < 3 or > 4 || !keyword.All(char.IsAsciiLetter)) return false;
        return Enum.TryParse(keyword, ignoreCase: true, out verb) && Enum.IsDefined(verb);
    }

    /// <summary>A message number: 1 to int.MaxValue, digits only (a number too big for that is simply not a message).</summary>
    private static bool TryNumber(string text, out int number)
    {
        number = 0;
        if (text.Length == 0 || !text.All(char.IsAsciiDigit)) return false;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number)) number = int.MaxValue;
        return number > 0;
    }
}

using System.Collections.Immutable;
using System.Text;

namespace Gateway.Modem.Virtual;

/// <summary>The four forms of a command (ITU-T V.250 5.4): <c>+X</c>, <c>+X?</c>, <c>+X=?</c>, <c>+X=…</c>; basic commands with digits are <see cref="Set"/>.</summary>
public enum AtCommandKind { Execute, Read, Test, Set }

/// <summary>
/// One command of a command line. <see cref="Name"/> is upper case: a basic command's letter
/// (<c>E</c>, <c>&amp;F</c>, <c>S7</c>) or an extended name with its prefix (<c>+CMGF</c>).
/// <see cref="Argument"/> is the raw text after <c>=</c> (or a basic command's digits).
/// </summary>
public sealed record AtCommand(string Name, AtCommandKind Kind, string Argument = "")
{
    /// <summary>The argument split on commas outside quotes, each trimmed (quotes kept).</summary>
    public ImmutableArray<string> Args => AtArguments.Split(Argument);

    public override string ToString() => Kind switch
    {
        AtCommandKind.Read => Name + "?",
        AtCommandKind.Test => Name + "=?",
        AtCommandKind.Set when Name[0] is '+' or '^' or '$' or '#' or '%' or '*' or '!' => $"{Name}={Argument}",
        AtCommandKind.Set => Name + Argument,
        _ => Name,
    };
}

/// <summary>
/// Parses one command line (without its CR) the way a modem does: an <c>AT</c> prefix in either
/// case, then basic commands (<c>E0V1</c>), S-registers (<c>S7=60</c>) and extended commands
/// chained with <c>;</c> (<c>AT+CMEE=1;+CREG=2</c>). Spaces outside quotes are ignored. Pure.
/// </summary>
public static class AtCommandLine
{
    /// <summary>Longest command line a virtual modem buffers (real modules take 256 to 560 characters).</summary>
    public const int MaxLength = 560;

    private const string ExtendedPrefixes = "+^$#%*!";

    /// <summary>True if the line starts with <c>AT</c> (any case); other lines are not commands and a modem ignores them.</summary>
    public static bool IsCommandLine(string line) =>
        line.Length >= 2 && line[0] is 'A' or 'a' && line[1] is 'T' or 't';

    /// <summary>True for <c>A/</c>: repeat the previous command line.</summary>
    public static bool IsRepeat(string line) => line.Length == 2 && line[0] is 'A' or 'a' && line[1] == '/';

    /// <summary>
    /// Splits an <c>AT…</c> line into its commands. A bare <c>AT</c> gives none (answered <c>OK</c>).
    /// On a syntax error, <paramref name="error"/> says where and the commands before it are not returned.
    /// </summary>
    public static bool TryParse(string line, out ImmutableArray<AtCommand> commands, out string? error)
    {
        commands = [];
        error = null;
        if (!IsCommandLine(line))
        {
            error = "the line does not start with AT";
            return false;
        }
        var body = WithoutSpaces(line.AsSpan(2));
        var result = ImmutableArray.CreateBuilder<AtCommand>();
        var i = 0;
        while (i < body.Length)
        {
            var c = char.ToUpperInvariant(body[i]);
            if (c == ';')
            {
                i++;
            }
            else if (ExtendedPrefixes.Contains(c))
            {
                var start = i++;
                while (i < body.Length && (char.IsAsciiLetterOrDigit(body[i]) || body[i] is '_' or '.' or '-' or ':')) i++;
                if (i == start + 1) return Fail($"no command name after '{c}' at column {start + 3}", out error);
                var name = body[start..i].ToUpperInvariant();
                if (i < body.Length && body[i] == '?')
                {
                    result.Add(new AtCommand(name, AtCommandKind.Read));
                    i++;
                }
                else if (i + 1 < body.Length && body[i] == '=' && body[i + 1] == '?')
                {
                    result.Add(new AtCommand(name, AtCommandKind.Test));
                    i += 2;
                }
                else if (i < body.Length && body[i] == '=')
                {
                    var argStart = ++i;
                    var quoted = false;
                    while (i < body.Length && (quoted || body[i] != ';'))
                    {
                        if (body[i] == '"') quoted = !quoted;
                        i++;
                    }
                    if (quoted) return Fail($"unterminated string in {name}", out error);
                    result.Add(new AtCommand(name, AtCommandKind.Set, body[argStart..i]));
                }
                else
                {
                    result.Add(new AtCommand(name, AtCommandKind.Execute));
                }
                if (i < body.Length && body[i] != ';')
                    return Fail($"unexpected '{body[i]}' after {name} at column {i + 3}", out error);
            }
            else if (c == 'D')
            {
                // A dial string runs to the end of the line.
                result.Add(new AtCommand("D", AtCommandKind.Set, body[(i + 1)..]));
                i = body.Length;
            }
            else if (c == 'S' && i + 1 < body.Length && char.IsAsciiDigit(body[i + 1]))
            {
                var start = ++i;
                while (i < body.Length && char.IsAsciiDigit(body[i])) i++;
                var name = "S" + body[start..i];
                if (i < body.Length && body[i] == '?')
                {
                    result.Add(new AtCommand(name, AtCommandKind.Read));
                    i++;
                }
                else if (i < body.Length && body[i] == '=')
                {
                    var valueStart = ++i;
                    while (i < body.Length && char.IsAsciiDigit(body[i])) i++;
                    result.Add(new AtCommand(name, AtCommandKind.Set, body[valueStart..i]));
                }
                else
                {
                    result.Add(new AtCommand(name, AtCommandKind.Execute));
                }
            }
            else if (char.IsAsciiLetter(c) || c == '&')
            {
                var start = i;
                if (c == '&')
                {
                    i++;
                    if (i >= body.Length || !char.IsAsciiLetter(body[i])) return Fail($"no letter after '&' at column {start + 3}", out error);
                }
                var name = body[start..(i + 1)].ToUpperInvariant();
                i++;
                var digitsStart = i;
                while (i < body.Length && char.IsAsciiDigit(body[i])) i++;
                if (i < body.Length && body[i] == '?')
                {
                    result.Add(new AtCommand(name, AtCommandKind.Read));
                    i++;
                }
                else
                {
                    var digits = body[digitsStart..i];
                    result.Add(new AtCommand(name, digits.Length > 0 ? AtCommandKind.Set : AtCommandKind.Execute, digits));
                }
            }
            else
            {
                return Fail($"unexpected '{body[i]}' at column {i + 3}", out error);
            }
        }
        commands = result.ToImmutable();
        return true;
    }

    private static string WithoutSpaces(ReadOnlySpan<char> text)
    {
        var sb = new StringBuilder(text.Length);
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"') quoted = !quoted;
            if (quoted || c != ' ') sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}

/// <summary>Helpers for the comma-separated arguments of an extended command. Pure.</summary>
public static class AtArguments
{
    /// <summary>Splits on commas outside double quotes; each item trimmed, quotes kept. An empty argument gives no items.</summary>
    public static ImmutableArray<string> Split(string argument)
    {
        if (argument.Length == 0) return [];
        var items = ImmutableArray.CreateBuilder<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < argument.Length; i++)
        {
            if (argument[i] == '"') quoted = !quoted;
            else if (argument[i] == ',' && !quoted)
            {
                items.Add(argument[start..i].Trim());
                start = i + 1;
            }
        }
        items.Add(argument[start..].Trim());
        return items.ToImmutable();
    }

    /// <summary>The text inside double quotes, or the item itself if it is not quoted.</summary>
    public static string Unquote(string item) =>
        item.Length >= 2 && item[0] == '"' && item[^1] == '"' ? item[1..^1] : item;

    /// <summary>A whole number argument (at most 9 digits); false for anything else.</summary>
    public static bool TryInt(string item, out int value)
    {
        value = 0;
        if (item.Length is 0 or > 9 || !item.All(char.IsAsciiDigit)) return false;
        value = int.Parse(item, System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }
}

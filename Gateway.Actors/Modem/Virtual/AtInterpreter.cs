using System.Collections.Immutable;
using System.Text;

namespace Gateway.Modem.Virtual;

/// <summary>A command's handler: reads and changes the modem's state through the context, writes information lines, returns the final result.</summary>
internal delegate AtFinal AtHandler(AtCommand command, AtContext context);

/// <summary>
/// Executes one command line: parses it (<see cref="AtCommandLine"/>), runs its commands in order
/// and stops at the first error, as modems do (the commands before it have taken effect).
/// Unknown commands and syntax errors answer plain <c>ERROR</c>, never silence. Runs under the
/// modem's lock; the handlers are in <see cref="AtGeneralHandlers"/> and <see cref="AtSmsHandlers"/>.
/// </summary>
internal static class AtInterpreter
{
    private static readonly ImmutableDictionary<string, AtHandler> Handlers =
        AtGeneralHandlers.All.Concat(AtSmsHandlers.All).ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>The commands a virtual modem knows (for the README and the tests).</summary>
    public static IEnumerable<string> KnownCommands => Handlers.Keys.Order(StringComparer.Ordinal);

    public static AtResponse Execute(string line, AtContext context)
    {
        if (!AtCommandLine.TryParse(line, out var commands, out _))
            return context.Respond(AtFinal.PlainError);
        foreach (var command in commands)
        {
            var handler = Handlers.GetValueOrDefault(command.Name)
                          ?? (command.Name[0] == 'S' && command.Name.Length > 1 ? AtGeneralHandlers.SRegister : null);
            if (handler is null) return context.Respond(AtFinal.PlainError);
            var final = handler(command, context);
            if (final is not AtFinal.Ok) return context.Respond(final); // an error, or the prompt (which ends the line)
        }
        return context.Respond(AtFinal.Success);
    }
}

/// <summary>What a handler works with while the modem's lock is held: the modem's state, the lines it writes, work for after the lock.</summary>
internal sealed class AtContext(VirtualModem modem)
{
    private readonly ImmutableArray<string>.Builder _lines = ImmutableArray.CreateBuilder<string>();
    private List<Action>? _afterUnlock;

    public VirtualModem Modem => modem;

    public ModemProfile Profile => modem.Profile;

    public SimCard Sim => modem.Sim;

    /// <summary>Writes an information line of the response.</summary>
    public void Info(string line) => _lines.Add(line);

    /// <summary>Work that must not run under the modem's lock (it locks the network first).</summary>
    public void AfterUnlock(Action action) => (_afterUnlock ??= []).Add(action);

    public void RunAfterUnlock()
    {
        if (_afterUnlock is null) return;
        foreach (var action in _afterUnlock) action();
    }

    public AtResponse Respond(AtFinal final) => new(_lines.ToImmutable(), final, modem.FormatLocked());

    /// <summary>A string parameter as the current AT+CSCS character set writes it, in quotes.</summary>
    public string Quoted(string text) => "\"" + AtCharset.Encode(text, Profile.Charset) + "\"";

    /// <summary>A string parameter the client sent, unquoted and decoded from the current character set.</summary>
    public string Unquoted(string item) => AtCharset.Decode(AtArguments.Unquote(item), Profile.Charset);

    /// <summary>The error for commands that need an unlocked SIM, or null when it is ready.</summary>
    public AtFinal? SimNotReady(bool smsCommand) => Sim.Lock switch
    {
        SimLock.Ready => null,
        SimLock.PinRequired => AtFinal.Fail(smsCommand ? AtError.Cms(CmsCodes.SimPinRequired) : AtError.Cme(CmeCodes.SimPinRequired)),
        SimLock.PukRequired => AtFinal.Fail(smsCommand ? AtError.Cms(CmsCodes.SimPukRequired) : AtError.Cme(CmeCodes.SimPukRequired)),
        _ => AtFinal.Fail(smsCommand ? AtError.Cms(CmsCodes.SimFailure) : AtError.Cme(CmeCodes.SimFailure)),
    };
}

/// <summary>
/// The TE character sets of AT+CSCS for string parameters: GSM and IRA as they are (our strings
/// are ASCII), HEX as two hex digits per character, UCS2 as four hex digits per UTF-16 unit.
/// gammu switches to HEX or UCS2 and then expects e.g. AT+CSCA? in that form. Pure.
/// </summary>
public static class AtCharset
{
    public static readonly ImmutableArray<string> Supported = ["GSM", "IRA", "UCS2", "HEX"];

    public static string Encode(string text, string charset) => charset switch
    {
        "HEX" => Convert.ToHexString(text.Select(c => c < 0x80 ? (byte)c : (byte)'?').ToArray()),
        "UCS2" => Convert.ToHexString(Encoding.BigEndianUnicode.GetBytes(text)),
        _ => text,
    };

    /// <summary>Decodes a client's string; text that is not valid in the character set is taken as it is.</summary>
    public static string Decode(string text, string charset)
    {
        var isHex = text.Length % 2 == 0 && text.All(char.IsAsciiHexDigit);
        return charset switch
        {
            "HEX" when isHex => Encoding.Latin1.GetString(Convert.FromHexString(text)),
            "UCS2" when isHex && text.Length % 4 == 0 => Encoding.BigEndianUnicode.GetString(Convert.FromHexString(text)),
            _ => text,
        };
    }
}

using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Configuration;
using Gateway.Sms;

namespace Gateway.Modem.Virtual.Control;

/// <summary>
/// The answer to one control command: <c>OK &lt;message&gt;</c> or <c>ERR &lt;message&gt;</c>.
/// An OK with <see cref="Data"/> says <c>OK &lt;count&gt; …</c> and the count lines follow.
/// </summary>
public sealed record ControlReply(bool Ok, string Message, ImmutableArray<string> Data, bool Close = false)
{
    public static ControlReply Success(string message) => new(true, message, []);

    public static ControlReply Lines(IEnumerable<string> lines, string what)
    {
        var data = lines.ToImmutableArray();
        return new(true, $"{data.Length} {what}", data);
    }

    public static ControlReply Error(string message) => new(false, message, []);

    /// <summary>The reply as written on the connection, each line ended by LF.</summary>
    public string Render()
    {
        var sb = new StringBuilder();
        sb.Append(Ok ? "OK" : "ERR");
        if (Message.Length > 0) sb.Append(' ').Append(Message);
        sb.Append('\n');
        foreach (var line in Data) sb.Append(line).Append('\n');
        return sb.ToString();
    }
}

/// <summary>
/// The control line's commands over a <see cref="VirtualNetwork"/>: drive virtual phones, inject
/// faults, read state. One command per line; words separated by spaces; the text of SEND and URC
/// is the rest of the line. The list is <see cref="Help"/>; the README documents it.
/// </summary>
public static class ControlCommands
{
    /// <summary>Longest WAIT allowed.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);

    public static readonly ImmutableArray<string> Help =
    [
        "SEND <from> <sim> <text…>          a phone (E.164) or alphanumeric sender (≤11 chars) sends text to a SIM; \\n \\t \\\\ \\uXXXX escapes",
        "INBOX <phone>                      what the phone received: one JSON object per line",
        "WAIT <phone> <count> [timeout]     waits until the phone has received count messages (default 10s, at most 5m), then as INBOX",
        "CLEAR <phone>                      empties the phone's inbox",
        "MODEMS                             every virtual modem: one JSON object per line",
        "STATUS <sim>                       one modem's state as JSON",
        "FAULT <sim> error <cms> [count]    the next count sends (default: every send) fail with +CMS ERROR: cms",
        "FAULT <sim> cme-error <cme> [count] the same with +CME ERROR",
        "FAULT <sim> silence                the modem stops answering (takes bytes, says nothing)",
        "FAULT <sim> slow <duration>        every result comes this much later (e.g. 2s)",
        "FAULT <sim> disconnect             drops the open connection now; reconnecting works",
        "FAULT <sim> garbage [bytes]        writes random bytes (default 64) into the line now",
        "FAULT <sim> gone                   the device disappears: connection dropped, new ones refused",
        "FAULT <sim> no-network             lost coverage: not registered, sends fail (+CMS ERROR: 331), SMS held",
        "FAULT <sim> clear                  ends every lasting fault",
        "LATENCY <sim|all> <duration>       how long AT+CMGS takes on one modem, or the network default",
        "REPORTS on|off [delay]             status reports for SMS sent with TP-SRR, and their delay",
        "OUTCOME <number> delivered|failed  what becomes of SMS to that number (failed: not delivered, report says failed)",
        "URC <sim> <line…>                  writes an unsolicited line (e.g. RING) on the modem's line",
        "RESTART <sim>                      power-cycles the modem (line dropped, settings reset, PIN asked again)",
        "HELP                               this list",
        "QUIT                               closes the connection",
    ];

    private static readonly JsonSerializerOptions Json = new()
    {
        // Text stays readable UTF-8 (a reply line is UTF-8 anyway); JSON's own escapes still apply.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Runs one command line (without its line end). Never throws for bad input: it answers ERR.</summary>
    public static async Task<ControlReply> ExecuteAsync(VirtualNetwork network, string line, CancellationToken cancellationToken)
    {
        var (verb, rest) = NextWord(line.Trim());
        try
        {
            return verb.ToUpperInvariant() switch
            {
                "" => ControlReply.Error("empty line; HELP lists the commands"),
                "HELP" => ControlReply.Lines(Help, "commands"),
                "QUIT" => new ControlReply(true, "bye", [], Close: true),
                "SEND" => Send(network, rest),
                "INBOX" => Inbox(network.Phone(Single(rest, "INBOX <phone>"))),
                "WAIT" => await WaitAsync(network, rest, cancellationToken),
                "CLEAR" => Clear(network.Phone(Single(rest, "CLEAR <phone>"))),
                "MODEMS" => ControlReply.Lines(network.Modems.Select(m => JsonSerializer.Serialize(StatusView(m.Status()), Json)), "modems"),
                "STATUS" => ControlReply.Success(JsonSerializer.Serialize(StatusView(ModemOf(network, Single(rest, "STATUS <sim>")).Status()), Json)),
                "FAULT" => Fault(network, rest),
                "LATENCY" => Latency(network, rest),
                "REPORTS" => Reports(network, rest),
                "OUTCOME" => Outcome(network, rest),
                "URC" => Urc(network, rest),
                "RESTART" => Restart(ModemOf(network, Single(rest, "RESTART <sim>"))),
                _ => ControlReply.Error($"unknown command \"{Truncate(verb)}\"; HELP lists the commands"),
            };
        }
        catch (ArgumentException e)
        {
            return ControlReply.Error(e.Message);
        }
        catch (FormatException e)
        {
            return ControlReply.Error(e.Message);
        }
    }

    private static ControlReply Send(VirtualNetwork network, string rest)
    {
        var (from, afterFrom) = NextWord(rest);
        var (sim, text) = NextWord(afterFrom);
        if (from.Length == 0 || sim.Length == 0 || text.Length == 0)
            return ControlReply.Error("usage: SEND <from> <sim> <text…>");
        var body = Unescape(text);
        PhoneSendResult result;
        if (PhoneNumber.TryParse(from, null, out var number, out _))
        {
            result = network.Phone(number.E164).Send(sim, body);
        }
        else
        {
            if (!VirtualNetwork.IsAlphanumericSender(from))
                return ControlReply.Error($"\"{Truncate(from)}\" is neither an E.164 number nor an alphanumeric sender (1 to 11 letters and digits)");
            result = network.SendFromAlphanumeric(from, sim, body);
        }
        return ControlReply.Success($"sent {result.Parts} part(s) {ConfigValues.ToKebab(result.Coding.ToString())}");
    }

    private static ControlReply Inbox(VirtualPhone phone) =>
        ControlReply.Lines(phone.Inbox.Select(m => JsonSerializer.Serialize(InboxView(m), Json)), "messages");

    private static async Task<ControlReply> WaitAsync(VirtualNetwork network, string rest, CancellationToken cancellationToken)
    {
        var words = Words(rest);
        if (words.Length is < 2 or > 3 || !int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
            return ControlReply.Error("usage: WAIT <phone> <count> [timeout]");
        var timeout = TimeSpan.FromSeconds(10);
        if (words.Length == 3 && (!ConfigValues.TryParseDuration(words[2], out timeout) || timeout <= TimeSpan.Zero || timeout > MaxWait))
            return ControlReply.Error($"timeout must be a duration up to {ConfigValues.FormatDuration(MaxWait)}, such as 500ms or 30s");
        var phone = network.Phone(words[0]);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await phone.WaitForInboxAsync(count, cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ControlReply.Error($"timeout: {phone.Number} has {phone.Inbox.Length} message(s) after {ConfigValues.FormatDuration(timeout)}");
        }
        return Inbox(phone);
    }

    private static ControlReply Clear(VirtualPhone phone)
    {
        phone.ClearInbox();
        return ControlReply.Success("cleared");
    }

    private static ControlReply Fault(VirtualNetwork network, string rest)
    {
        var words = Words(rest);
        if (words.Length < 2) return ControlReply.Error("usage: FAULT <sim> error|cme-error|silence|slow|disconnect|garbage|gone|no-network|clear …");
        var modem = ModemOf(network, words[0]);
        var faults = modem.Faults;
        var kind = words[1].ToLowerInvariant();
        var args = words[2..];
        switch (kind)
        {
            case "error" or "cme-error":
                if (args.Length is < 1 or > 2 || !TryCount(args[0], 0, 999, out var code))
                    return ControlReply.Error($"usage: FAULT <sim> {kind} <code 0-999> [count]");
                int? count = null;
                if (args.Length == 2)
                {
                    if (!TryCount(args[1], 1, 1_000_000, out var n)) return ControlReply.Error("count must be a whole number from 1");
                    count = n;
                }
                faults.FailSends(kind == "error" ? AtError.Cms(code) : AtError.Cme(code), count);
                return ControlReply.Success($"{modem.SimNumber}: {(count is { } c ? $"the next {c}" : "every")} send(s) fail with {(kind == "error" ? "+CMS" : "+CME")} ERROR: {code}");
            case "silence" when args.Length == 0:
                faults.Silent = true;
                return ControlReply.Success($"{modem.SimNumber}: silent");
            case "slow" when args.Length == 1:
                if (!ConfigValues.TryParseDuration(args[0], out var delay) || delay > MaxWait)
                    return ControlReply.Error($"usage: FAULT <sim> slow <duration up to {ConfigValues.FormatDuration(MaxWait)}>");
                faults.ResponseDelay = delay;
                return ControlReply.Success($"{modem.SimNumber}: results delayed by {ConfigValues.FormatDuration(delay)}");
            case "disconnect" when args.Length == 0:
                faults.Disconnect();
                return ControlReply.Success($"{modem.SimNumber}: disconnected");
            case "garbage" when args.Length <= 1:
                var bytes = 64;
                if (args.Length == 1 && !TryCount(args[0], 1, 65536, out bytes)) return ControlReply.Error("bytes must be 1 to 65536");
                faults.SpewGarbage(bytes);
                return ControlReply.Success($"{modem.SimNumber}: {bytes} garbage bytes written");
            case "gone" when args.Length == 0:
                faults.Gone = true;
                return ControlReply.Success($"{modem.SimNumber}: gone");
            case "no-network" when args.Length == 0:
                faults.NoNetwork = true;
                return ControlReply.Success($"{modem.SimNumber}: no network");
            case "clear" when args.Length == 0:
                faults.Clear();
                return ControlReply.Success($"{modem.SimNumber}: no faults");
            default:
                return ControlReply.Error($"unknown fault \"{Truncate(string.Join(' ', words[1..]))}\"; HELP lists them");
        }
    }

    private static ControlReply Latency(VirtualNetwork network, string rest)
    {
        var words = Words(rest);
        if (words.Length != 2 || !ConfigValues.TryParseDuration(words[1], out var latency) || latency > MaxWait)
            return ControlReply.Error("usage: LATENCY <sim|all> <duration>, e.g. LATENCY all 50ms");
        if (words[0].Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            network.SendLatency = latency;
            return ControlReply.Success($"network send latency {ConfigValues.FormatDuration(latency)}");
        }
        var modem = ModemOf(network, words[0]);
        modem.SendLatency = latency;
        return ControlReply.Success($"{modem.SimNumber}: send latency {ConfigValues.FormatDuration(latency)}");
    }

    private static ControlReply Reports(VirtualNetwork network, string rest)
    {
        var words = Words(rest);
        if (words.Length is < 1 or > 2 || words[0].ToLowerInvariant() is not ("on" or "off"))
            return ControlReply.Error("usage: REPORTS on|off [delay]");
        if (words.Length == 2)
        {
            if (!ConfigValues.TryParseDuration(words[1], out var delay) || delay > MaxWait)
                return ControlReply.Error("delay must be a duration such as 500ms or 2s");
            network.StatusReportDelay = delay;
        }
        network.StatusReports = words[0].Equals("on", StringComparison.OrdinalIgnoreCase);
        return ControlReply.Success($"status reports {(network.StatusReports ? "on" : "off")}, delay {ConfigValues.FormatDuration(network.StatusReportDelay)}");
    }

    private static ControlReply Outcome(VirtualNetwork network, string rest)
    {
        var words = Words(rest);
        if (words.Length != 2 || words[1].ToLowerInvariant() is not ("delivered" or "failed"))
            return ControlReply.Error("usage: OUTCOME <number> delivered|failed");
        var outcome = words[1].Equals("failed", StringComparison.OrdinalIgnoreCase) ? DeliveryOutcome.Failed : DeliveryOutcome.Delivered;
        network.SetDeliveryOutcome(words[0], outcome);
        return ControlReply.Success($"SMS to {words[0]}: {words[1].ToLowerInvariant()}");
    }

    private static ControlReply Urc(VirtualNetwork network, string rest)
    {
        var (sim, text) = NextWord(rest);
        if (sim.Length == 0 || text.Length == 0) return ControlReply.Error("usage: URC <sim> <line…>");
        var modem = ModemOf(network, sim);
        if (!text.All(c => c >= ' ' && c != 0x7F)) return ControlReply.Error("the line must be printable text");
        modem.InjectUnsolicited(text);
        return ControlReply.Success(modem.IsConnected ? "written" : "nobody is connected: the line is lost, as on a real port");
    }

    private static ControlReply Restart(VirtualModem modem)
    {
        modem.Restart();
        return ControlReply.Success($"{modem.SimNumber}: restarted");
    }

    private static VirtualModem ModemOf(VirtualNetwork network, string sim) =>
        network.Modem(sim) ?? throw new ArgumentException($"no virtual modem has SIM number \"{Truncate(sim)}\" (MODEMS lists them)");

    private static string Single(string rest, string usage)
    {
        var words = Words(rest);
        return words.Length == 1 ? words[0] : throw new ArgumentException("usage: " + usage);
    }

    private static bool TryCount(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static (string Word, string Remainder) NextWord(string text)
    {
        text = text.TrimStart();
        var space = text.IndexOf(' ');
        return space < 0 ? (text, "") : (text[..space], text[(space + 1)..]);
    }

    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>The escapes SEND's text may use: <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\\</c>, <c>\uXXXX</c>.</summary>
    public static string Unescape(string text)
    {
        if (!text.Contains('\\')) return text;
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                sb.Append(text[i]);
                continue;
            }
            if (++i >= text.Length) throw new FormatException("the text ends with a lone backslash (write \\\\ for one)");
            switch (text[i])
            {
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case '\\': sb.Append('\\'); break;
                case 'u' when i + 4 < text.Length && ushort.TryParse(text.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit):
                    sb.Append((char)unit);
                    i += 4;
                    break;
                default:
                    throw new FormatException($"unknown escape \\{text[i]} (known: \\n \\r \\t \\\\ \\uXXXX)");
            }
        }
        return sb.ToString();
    }

    private static object InboxView(ReceivedSms m) => new
    {
        m.From,
        m.Text,
        Coding = ConfigValues.ToKebab(m.Coding.ToString()),
        m.Parts,
        ReceivedAt = m.ReceivedAt.ToString("O", CultureInfo.InvariantCulture),
    };

    private static object StatusView(VirtualModemStatus s) => new
    {
        Sim = s.SimNumber,
        s.Connected,
        SimLock = s.Sim,
        s.Registered,
        s.Signal,
        s.Stored,
        s.Capacity,
        s.HeldByNetwork,
        s.Sent,
        s.Received,
        s.NextMessageReference,
        Cnmi = s.Indications.ToString(),
        s.AwaitingAck,
        s.BytesReceived,
        s.BytesSent,
        Faults = new
        {
            SendError = s.Faults.SendError?.ToString(),
            s.Faults.SendErrorsLeft,
            s.Faults.Silent,
            s.Faults.Gone,
            s.Faults.NoNetwork,
            ResponseDelayMs = (long)s.Faults.ResponseDelay.TotalMilliseconds,
        },
    };
}

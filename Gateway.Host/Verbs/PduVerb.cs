using Gateway.Configuration;
using Gateway.Host.Cli;
using Gateway.Sms;

namespace Gateway.Host.Verbs;

/// <summary>
/// <c>pdu decode</c> / <c>pdu encode</c>: the PDU codec on the command line, for operators
/// debugging modems and for scripts.
/// <list type="bullet">
/// <item><c>pdu decode [--no-smsc] HEX…</c> (or <c>-</c> to read one PDU per line from standard
/// input): one JSON object per PDU (<see cref="PduJson"/>); exit 1 if any could not be decoded,
/// the others are still printed.</item>
/// <item><c>pdu encode --to NUMBER [--unicode] [--status-report] [--ref N] [--validity DURATION]
/// [--smsc NUMBER] [--config FILE] TEXT…</c> (TEXT <c>-</c> reads standard input): one SMS-SUBMIT
/// PDU per line, hex, with the SMSC prefix AT+CMGS takes; a summary on standard error. Up to 255
/// parts; without <c>--unicode</c> characters GSM-7 lacks are replaced (<see cref="Transliteration"/>).
/// A national NUMBER takes <c>gateway.mail.default-country-code</c> from <c>--config</c> or the
/// default configuration.</item>
/// </list>
/// </summary>
public static class PduVerb
{
    public const string Usage =
        "pdu decode [--no-smsc] HEX… | pdu encode --to NUMBER [--unicode] [--status-report] [--ref N] [--validity DURATION] [--smsc NUMBER] [--config FILE] TEXT";

    /// <summary>Longest line read from standard input: a PDU is at most 176 octets, 352 hex digits.</summary>
    private const int MaxStdinLine = 4096;

    /// <summary>Most text read from standard input for encode: 255 UCS2 parts of 67 units is far less.</summary>
    private const int MaxStdinText = 64 * 1024;

    public static Task<int> RunAsync(Args args)
    {
        var command = args.SubCommand();
        return command switch
        {
            "decode" => Task.FromResult(Decode(args)),
            "encode" => Task.FromResult(Encode(args)),
            null => throw new UsageException("say decode or encode"),
            _ => throw new UsageException($"unknown pdu command \"{command}\": say decode or encode"),
        };
    }

    private static int Decode(Args args)
    {
        var hasServiceCentre = !args.Flag("--no-smsc");
        var inputs = args.Positionals();
        args.RejectUnknown();
        if (inputs.Count == 0) throw new UsageException("give one or more PDUs in hex, or - to read them from standard input");
        var pdus = inputs.Count == 1 && inputs[0] == "-" ? ReadLines(Console.In) : inputs;

        var failed = false;
        foreach (var hex in pdus)
        {
            try
            {
                Console.WriteLine(PduJson.Describe(Pdu.DecodeHex(hex, hasServiceCentre)));
            }
            catch (PduFormatException e)
            {
                failed = true;
                Console.WriteLine(PduJson.Error(e.Message + Hint(hex, hasServiceCentre)));
            }
        }
        return failed ? ExitCodes.Failed : ExitCodes.Ok;
    }

    /// <summary>If the PDU decodes the other way round, say so: the commonest mistake is the SMSC prefix.</summary>
    private static string Hint(string hex, bool hasServiceCentre)
    {
        try
        {
            Pdu.DecodeHex(hex, !hasServiceCentre);
            return hasServiceCentre
                ? "; it decodes as a PDU without the SMSC prefix: try --no-smsc"
                : "; it decodes as a PDU with the SMSC prefix: try without --no-smsc";
        }
        catch (PduFormatException)
        {
            return "";
        }
    }

    private static int Encode(Args args)
    {
        var to = args.Option("--to") ?? throw new UsageException("--to NUMBER is required");
        var unicode = args.Flag("--unicode");
        var statusReport = args.Flag("--status-report");
        var reference = args.IntOption("--ref") ?? 0;
        if (reference is < 0 or > 255) throw new UsageException($"--ref must be 0–255, not {reference}");
        var validityText = args.Option("--validity");
        TimeSpan? validity = null;
        if (validityText is not null)
        {
            if (!ConfigValues.TryParseDuration(validityText, out var v) || v <= TimeSpan.Zero)
                throw new UsageException($"--validity must be a duration such as 30m, 12h or 2d, not \"{validityText}\"");
            validity = v;
        }
        var serviceCentre = args.Option("--smsc");
        var configOption = args.Option("--config");
        var words = args.Positionals();
        args.RejectUnknown();
        if (words.Count == 0) throw new UsageException("give the text to encode (or - to read it from standard input)");
        var text = words is ["-"] ? ReadText(Console.In) : string.Join(' ', words);

        if (!TryCountryCode(configOption, out var countryCode)) return ExitCodes.Failed;
        if (!PhoneNumber.TryParse(to, countryCode, out var number, out var numberError))
        {
            Console.Error.WriteLine($"pdu encode: --to: {numberError!.Message}");
            return ExitCodes.Failed;
        }

        var options = new SmsEncodingOptions(AllowUnicode: unicode, AllowConcatenation: true, MaxParts: SmsEncodingOptions.MaxPartsLimit);
        if (!TextPlanner.TryPlan(text, options, out var plan, out var planError))
        {
            Console.Error.WriteLine($"pdu encode: {planError!.Message}");
            return ExitCodes.Failed;
        }

        var submits = TextPlanner.ToSubmits(plan!, SmsAddress.International(number), (byte)reference, statusReport, validity);
        var lines = new List<string>(submits.Count);
        try
        {
            foreach (var submit in submits)
                lines.Add(Pdu.ToHex(Pdu.Encode(submit, serviceCentre)));
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"pdu encode: {e.Message}");
            return ExitCodes.Failed;
        }

        foreach (var line in lines) Console.WriteLine(line);
        var coding = plan!.Coding == SmsCoding.Gsm7 ? "GSM-7" : "UCS2";
        Console.Error.WriteLine($"{number.E164}: {plan.PartCount} part(s), {coding}; AT+CMGS={string.Join(", ", lines.Select(l => Pdu.TpduLength(Convert.FromHexString(l))))}");
        if (plan.Replaced.Count > 0)
            Console.Error.WriteLine($"replaced (GSM-7 lacks them; --unicode keeps them): {string.Join(' ', plan.Replaced)}");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The default country code for national numbers: from <c>--config</c> (which must be valid), else
    /// from the default configuration if it is there and valid, else none (then only +/00 numbers work).
    /// </summary>
    private static bool TryCountryCode(string? configOption, out string? countryCode)
    {
        countryCode = null;
        var path = ConfigLocator.Resolve(configOption);
        if (configOption is null && !File.Exists(path)) return true;
        var result = HoconFile.LoadSettings(path);
        if (result.IsValid)
        {
            countryCode = result.Settings!.Mail.DefaultCountryCode;
            return true;
        }
        if (configOption is not null)
        {
            ConfigLocator.LoadOrReport(path, Console.Error);
            return false;
        }
        Console.Error.WriteLine($"pdu encode: ignoring {path}, which is not valid (check it with the check-config verb); numbers need + or 00");
        return true;
    }

    private static List<string> ReadLines(TextReader input)
    {
        var lines = new List<string>();
        while (input.ReadLine() is { } line)
        {
            if (line.Length > MaxStdinLine) throw new UsageException($"a line of standard input is longer than {MaxStdinLine} characters; a PDU is at most {Pdu.MaxLength * 2} hex digits");
            if (!string.IsNullOrWhiteSpace(line)) lines.Add(line.Trim());
        }
        return lines;
    }

    private static string ReadText(TextReader input)
    {
        var buffer = new char[MaxStdinText + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = input.Read(buffer, length, buffer.Length - length)) > 0) length += read;
        if (length > MaxStdinText) throw new UsageException($"the text on standard input is longer than {MaxStdinText} characters");
        return new string(buffer, 0, length).TrimEnd('\r', '\n');
    }
}

using Gateway.Host.Verbs;

namespace Gateway.Host.Cli;

/// <summary>The host's verbs. Without a verb (or with only options) the host runs a node.</summary>
public static class CommandLine
{
    private sealed record Verb(string Name, string Usage, string Summary, Func<Args, Task<int>> Run);

    private static readonly Verb[] Verbs =
    [
        new("run", "run [--config FILE]", "run a node until SIGINT/SIGTERM (default config: hocon/gateway.conf)", RunVerb.RunAsync),
        new("check-config", "check-config [--config FILE]", "validate a configuration file; every problem is printed with its key", CheckConfigVerb.RunAsync),
        new("hash-password", "hash-password [--iterations N]", "read a password on stdin, print the password-hash value for the configuration", HashPasswordVerb.RunAsync),
        new("modemsim", ModemSimVerb.Usage, "run a virtual modem bank on TCP ports (one per modem) until SIGINT/SIGTERM", ModemSimVerb.RunAsync),
        new("phone", PhoneVerb.Usage, "be a virtual phone in a running node's virtual network: send an SMS to a SIM, reply, read what it got", PhoneVerb.RunAsync),
        new("pdu", PduVerb.Usage, "decode modem PDUs to JSON lines, or encode a text as SMS-SUBMIT PDUs", PduVerb.RunAsync),
    ];

    public static async Task<int> RunAsync(string[] argv)
    {
        if (argv.Length > 0 && argv[0] is "help" or "--help" or "-h")
        {
            PrintUsage(Console.Out);
            return ExitCodes.Ok;
        }
        var verbName = argv.Length == 0 || argv[0].StartsWith("--", StringComparison.Ordinal) ? "run" : argv[0];
        var rest = verbName == "run" && (argv.Length == 0 || argv[0] != "run") ? argv : argv[1..];
        var verb = Verbs.FirstOrDefault(v => v.Name == verbName);
        if (verb is null)
        {
            Console.Error.WriteLine($"unknown verb \"{verbName}\"");
            PrintUsage(Console.Error);
            return ExitCodes.Usage;
        }
        try
        {
            return await verb.Run(new Args(rest));
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{verb.Name}: {e.Message}");
            Console.Error.WriteLine($"usage: Gateway.Host {verb.Usage}");
            return ExitCodes.Usage;
        }
    }

    private static void PrintUsage(TextWriter w)
    {
        w.WriteLine("usage: dotnet run --project Gateway.Host -- VERB [options]");
        foreach (var v in Verbs)
            w.WriteLine($"  {v.Usage,-58} {v.Summary}");
    }
}

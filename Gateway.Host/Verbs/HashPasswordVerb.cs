using System.Text;
using Gateway.Accounts;
using Gateway.Host.Cli;

namespace Gateway.Host.Verbs;

/// <summary>
/// <c>hash-password [--iterations N]</c>: reads a password on standard input (without echo when
/// it is a terminal) and prints the <c>password-hash</c> value to paste into the configuration.
/// </summary>
public static class HashPasswordVerb
{
    public static Task<int> RunAsync(Args args)
    {
        var iterations = args.IntOption("--iterations") ?? PasswordHasher.DefaultIterations;
        args.RejectUnknown();
        if (iterations < PasswordHasher.MinIterations)
            throw new UsageException($"--iterations must be at least {PasswordHasher.MinIterations}");

        var password = Console.IsInputRedirected ? Console.In.ReadLine() : ReadHidden();
        if (string.IsNullOrEmpty(password))
        {
            Console.Error.WriteLine("hash-password: no password given on standard input");
            return Task.FromResult(ExitCodes.Failed);
        }
        Console.WriteLine(PasswordHasher.Hash(password, iterations));
        return Task.FromResult(ExitCodes.Ok);
    }

    private static string ReadHidden()
    {
        Console.Error.Write("password: ");
        var sb = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (sb.Length > 0) sb.Length--; }
            else if (!char.IsControl(key.KeyChar)) sb.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return sb.ToString();
    }
}

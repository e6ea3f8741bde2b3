using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gateway.Host.Cli;

namespace Gateway.Host.Verbs;

/// <summary>
/// <c>phone send|reply|inbox</c>: be a virtual phone in a running node's virtual GSM network (or a
/// <c>modemsim</c>), through its control line. For the demo and for people trying the gateway:
/// reply to an SMS the gateway sent without writing control-line commands by hand.
/// </summary>
public static class PhoneVerb
{
    public const string Usage = "phone send FROM SIM TEXT… | phone reply FROM TEXT… | phone inbox NUMBER  [--control HOST:PORT] [--config FILE]";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(Args args)
    {
        var sub = args.SubCommand() ?? throw new UsageException("say send, reply or inbox");
        var control = args.Option("--control");
        var config = args.Option("--config");
        var words = args.Positionals();
        args.RejectUnknown();
        // The command line is checked before anything is connected to.
        var wanted = sub switch
        {
            "send" => words.Count >= 3,
            "reply" => words.Count >= 2,
            "inbox" => words.Count == 1,
            _ => throw new UsageException($"unknown phone command \"{sub}\""),
        };
        if (!wanted) throw new UsageException($"phone {sub}: wrong number of arguments");
        var (host, port) = control is not null ? ParseEndpoint(control) : FromConfig(config);

        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(Patience);
            await client.ConnectAsync(host, port, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            Console.Error.WriteLine($"phone: no control line at {host}:{port} ({e.Message}). Is the gateway running with virtual-network.control-port = {port}?");
            return ExitCodes.Failed;
        }
        var line = new ControlLine(client.GetStream());
        await line.ReadLineAsync(); // the greeting

        switch (sub)
        {
            case "send":
                return await SendAsync(line, words[0], words[1], string.Join(' ', words.Skip(2)));
            case "reply":
                var sim = await LastSenderAsync(line, words[0]);
                if (sim is null)
                {
                    Console.Error.WriteLine($"phone: {words[0]} has received no SMS, so there is nothing to reply to; use phone send {words[0]} SIM TEXT");
                    return ExitCodes.Failed;
                }
                return await SendAsync(line, words[0], sim, string.Join(' ', words.Skip(1)));
            default:
                var (reply, lines) = await line.CommandAsync($"INBOX {words[0]}");
                if (!reply.StartsWith("OK", StringComparison.Ordinal)) return Refused(reply);
                foreach (var l in lines) Console.WriteLine(l);
                return ExitCodes.Ok;
        }
    }

    private static async Task<int> SendAsync(ControlLine line, string from, string sim, string text)
    {
        var (reply, _) = await line.CommandAsync($"SEND {from} {sim} {Escape(text)}");
        if (!reply.StartsWith("OK", StringComparison.Ordinal)) return Refused(reply);
        Console.WriteLine($"{from} → {sim}: {reply[3..]}");
        return ExitCodes.Ok;
    }

    /// <summary>The SIM of the last SMS the phone received (the INBOX lines are oldest first).</summary>
    private static async Task<string?> LastSenderAsync(ControlLine line, string phone)
    {
        var (reply, lines) = await line.CommandAsync($"INBOX {phone}");
        if (!reply.StartsWith("OK", StringComparison.Ordinal)) return null;
        return lines.Count == 0 ? null : JsonDocument.Parse(lines[^1]).RootElement.GetProperty("from").GetString();
    }

    private static int Refused(string reply)
    {
        Console.Error.WriteLine($"phone: {reply}");
        return ExitCodes.Failed;
    }

    /// <summary>The control line's escapes: one command per line, so line breaks and backslashes are written out.</summary>
    internal static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
            sb.Append(c switch
            {
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        return sb.ToString();
    }

    private static (string Host, int Port) ParseEndpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out var port) || port is < 1 or > 65535)
            throw new UsageException($"--control wants HOST:PORT, not \"{text}\"");
        return (text[..colon], port);
    }

    private static (string Host, int Port) FromConfig(string? config)
    {
        var path = ConfigLocator.Resolve(config);
        var settings = ConfigLocator.LoadOrReport(path, Console.Error) ?? throw new UsageException($"{path} is not a valid configuration");
        if (settings.VirtualNetwork.ControlPort == 0)
            throw new UsageException($"{path} has no virtual-network.control-port; set one or give --control HOST:PORT");
        return ("127.0.0.1", settings.VirtualNetwork.ControlPort);
    }

    /// <summary>The control line's framing: one answer line, and as many data lines as an <c>OK n …</c> answer announces.</summary>
    private sealed class ControlLine(Stream stream)
    {
        private readonly StreamReader _reader = new(stream, new UTF8Encoding(false));
        private readonly StreamWriter _writer = new(stream, new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };

        public async Task<string> ReadLineAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            return await _reader.ReadLineAsync(timeout.Token) ?? throw new IOException("the control line closed the connection");
        }

        public async Task<(string Reply, IReadOnlyList<string> Lines)> CommandAsync(string command)
        {
            await _writer.WriteLineAsync(command);
            var reply = await ReadLineAsync();
            var lines = new List<string>();
            var words = reply.Split(' '); // "OK 3 message(s)" is followed by 3 lines; "OK sent 2 part(s) gsm7" by none
            if (words is ["OK", var count, ..] && int.TryParse(count, out var n))
                for (var i = 0; i < n; i++) lines.Add(await ReadLineAsync());
            return (reply, lines);
        }
    }
}

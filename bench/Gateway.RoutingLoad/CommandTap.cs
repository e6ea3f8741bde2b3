using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Gateway.RoutingLoad;

/// <summary>
/// Reads the virtual modems' own debug log ("virtual modem {Sim} &lt;- {Line}", written when a command
/// line arrives on the modem's serial line) and time-stamps every line that starts with
/// <c>prefix</c>: the moment the module's command reached the modem.
/// </summary>
public sealed class CommandTap(string prefix) : ILoggerProvider, ILogger
{
    private readonly Channel<long> _seen = Channel.CreateUnbounded<long>();

    public async Task<long> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _seen.Reader.ReadAsync(cts.Token);
    }

    public ILogger CreateLogger(string categoryName) => categoryName == "Gateway.Modem.Virtual" ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var at = Stopwatch.GetTimestamp();
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> values) return;
        string? format = null, line = null;
        foreach (var (key, value) in values)
        {
            if (key == "{OriginalFormat}") format = value as string;
            else if (key == "Line") line = value as string;
        }
        if (format == "virtual modem {Sim} <- {Line}" && line is not null && line.StartsWith(prefix, StringComparison.Ordinal))
            _seen.Writer.TryWrite(at);
    }

    public void Dispose() { }
}

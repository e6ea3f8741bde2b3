using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Event;
using Microsoft.Extensions.Logging;
using MelLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Gateway.Host.Hosting;

/// <summary>
/// Akka.NET's log events written to Microsoft.Extensions.Logging with the actor's short path as
/// the category (<c>modem-bank/gsm-1</c>) and only the message as text, so one line says when,
/// how bad, who and what — without Akka's own second time stamp, level and thread.
/// </summary>
public sealed class ConsoleLogBridge : ReceiveActor, Akka.Dispatch.IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _factory;
    private readonly Dictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public ConsoleLogBridge()
    {
        _factory = DependencyResolver.For(Context.System).Resolver.GetService<ILoggerFactory>();
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    private void Write(LogEvent e)
    {
        var level = e.LogLevel() switch
        {
            Akka.Event.LogLevel.DebugLevel => MelLogLevel.Debug,
            Akka.Event.LogLevel.InfoLevel => MelLogLevel.Information,
            Akka.Event.LogLevel.WarningLevel => MelLogLevel.Warning,
            _ => MelLogLevel.Error,
        };
        var logger = LoggerFor(e.LogSource);
        if (!logger.IsEnabled(level)) return;
        logger.Log(level, e.Cause, "{Message}", e.Message?.ToString());
    }

    private ILogger LoggerFor(string source)
    {
        if (!_loggers.TryGetValue(source, out var logger))
        {
            if (_loggers.Count > 10_000) _loggers.Clear(); // one per actor path; short-lived sessions must not grow it forever
            _loggers[source] = logger = _factory.CreateLogger(ShortName(source));
        }
        return logger;
    }

    /// <summary><c>akka.tcp://gateway@127.0.0.1:4053/user/modem-bank/gsm-1</c> → <c>modem-bank/gsm-1</c>; other sources unchanged.</summary>
    public static string ShortName(string source)
    {
        foreach (var root in new[] { "/user/", "/system/" })
        {
            var i = source.IndexOf(root, StringComparison.Ordinal);
            if (i >= 0) return source[(i + root.Length)..];
        }
        var paren = source.IndexOf(" (akka", StringComparison.Ordinal);
        return paren > 0 ? source[..paren] : source;
    }
}

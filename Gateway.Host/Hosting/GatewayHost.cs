using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using Gateway.Accounts;
using Gateway.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;

namespace Gateway.Host.Hosting;

/// <summary>
/// Builds the process that runs one node: an Akka.NET cluster member (a cluster of one when no
/// seeds are configured) with SQL persistence, and the parts of the gateway this node hosts.
/// Wiring only: protocol and routing logic live in Gateway.Actors.
/// </summary>
public static class GatewayHost
{
    /// <summary>The actor system's name; every node of one gateway must use the same.</summary>
    public const string SystemName = "gateway";

    /// <param name="configureAkka">
    /// Runs before the gateway's own actors are registered, so a test can register its own (an
    /// outgoing-job consumer, say) in their place.
    /// </param>
    /// <param name="time">The clock of routing rules, mailboxes, SMTP job stamps and SIM counters (default the system clock); tests set it.</param>
    public static IHost Build(GatewaySettings settings, Action<ILoggingBuilder>? logging = null, Action<AkkaConfigurationBuilder>? configureAkka = null,
        TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = Environment.CurrentDirectory,
        });
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<NodeStop>();
        builder.Services.AddSingleton(sp =>
        {
            var accounts = AccountDirectory.FromSettings(settings);
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Accounts");
            accounts.LoginFailed += (login, client, outcome) =>
                log.LogWarning("log-in {Outcome} for {Login} from {Client}", outcome == LoginOutcome.Throttled ? "throttled" : "refused", login, client);
            return accounts;
        });
        builder.Services.AddVirtualNetwork(settings);
        // A leaving node waits up to cluster.leave-timeout for its shards to move; the host must wait a little longer.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Cluster.LeaveTimeout + TimeSpan.FromSeconds(10));
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(ToMicrosoft(settings.Log.Level));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        logging?.Invoke(builder.Logging);

        var connectionString = StorageSetup.Prepare(settings.Storage);
        builder.Services.AddAkka(SystemName, (akka, services) =>
        {
            akka.ConfigureLoggers(l =>
                {
                    l.LogLevel = ToAkka(settings.Log.Level);
                    l.ClearLoggers();
                    l.AddLogger<ConsoleLogBridge>();
                })
                .WithRemoting(settings.Cluster.Hostname, settings.Cluster.Port)
                .WithClustering(new ClusterOptions
                {
                    SeedNodes = settings.Cluster.SeedNodes
                        .Select(s => $"akka.tcp://{SystemName}@{s}")
                        .ToArray(),
                })
                .WithMembership(settings)
                .WithSqlPersistence(StorageSetup.DataOptions(settings.Storage.Provider, connectionString), autoInitialize: true);
            configureAkka?.Invoke(akka);
            // The job consumer (the SMS router) first: the mailboxes, the incoming router and the modem bank are given it.
            akka.WithJobConsumer(settings, time)
                .WithMailboxes(settings, time)
                .WithAutoClip(settings, time)
                .WithIncomingRouting(settings, time)
                .WithModemBank(settings, services)
                .AddStartup((system, _) =>
                {
                    // A cluster of one joins itself; with seeds, Akka.Cluster.Hosting joins them.
                    if (settings.Cluster.SeedNodes.Count == 0)
                    {
                        var cluster = Akka.Cluster.Cluster.Get(system);
                        cluster.Join(cluster.SelfAddress);
                    }
                    // A downed (or refused) node's actor system ends; the process must end too, so a supervisor
                    // restarts it. The run verb turns the shutdown's reason into the exit code.
                    var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
                    var stop = services.GetRequiredService<NodeStop>();
                    system.WhenTerminated.ContinueWith(_ =>
                    {
                        stop.Reason = Akka.Actor.CoordinatedShutdown.Get(system).ShutdownReason;
                        lifetime.StopApplication();
                    });
                });
        });
        if (settings.Routing.JobConsumer == JobConsumerKind.Router) builder.Services.AddOutgoingRules(settings);
        builder.Services.AddSmtpSubmission();
        builder.Services.AddPop3();
        return builder.Build();
    }

    private static LogLevel ToMicrosoft(LogLevelSetting level) => level switch
    {
        LogLevelSetting.Debug => LogLevel.Debug,
        LogLevelSetting.Warning => LogLevel.Warning,
        LogLevelSetting.Error => LogLevel.Error,
        _ => LogLevel.Information,
    };

    private static AkkaLogLevel ToAkka(LogLevelSetting level) => level switch
    {
        LogLevelSetting.Debug => AkkaLogLevel.DebugLevel,
        LogLevelSetting.Warning => AkkaLogLevel.WarningLevel,
        LogLevelSetting.Error => AkkaLogLevel.ErrorLevel,
        _ => AkkaLogLevel.InfoLevel,
    };
}

/// <summary>Why the node's actor system ended (read by the run verb after the host has stopped, to pick the exit code).</summary>
public sealed class NodeStop
{
    /// <summary>The coordinated shutdown's reason; null while the system runs (or if it never started).</summary>
    public Akka.Actor.CoordinatedShutdown.Reason? Reason { get; set; }
}

using Gateway.Host.Cli;
using Gateway.Host.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gateway.Host.Verbs;

/// <summary><c>run [--config FILE]</c>: runs one node until SIGINT/SIGTERM; refuses to start on an invalid configuration.</summary>
public static class RunVerb
{
    public static async Task<int> RunAsync(Args args)
    {
        var path = ConfigLocator.Resolve(args.Option("--config"));
        args.RejectUnknown();
        var settings = ConfigLocator.LoadOrReport(path, Console.Error);
        if (settings is null)
        {
            Console.Error.WriteLine("refusing to start: fix the configuration (check it with the check-config verb)");
            return ExitCodes.Failed;
        }
        using var host = GatewayHost.Build(settings);
        var stop = host.Services.GetRequiredService<NodeStop>();
        try
        {
            await host.RunAsync();
        }
        catch (System.Net.Sockets.SocketException e)
        {
            // A listener's port is taken or its address is not ours: say which, do not dump a stack trace.
            Console.Error.WriteLine($"refusing to start: {e.Message}");
            return ExitCodes.Failed;
        }
        // Why the actor system ended decides the exit code: SIGTERM/SIGINT (a graceful leave) is 0,
        // a downing or a refusal at join is not, so a supervisor can tell them apart.
        var reason = stop.Reason;
        var code = ClusterHosting.ExitCodeFor(reason);
        if (code != ExitCodes.Ok) Console.Error.WriteLine($"node stopped: {ClusterHosting.Describe(reason)} (exit code {code})");
        return code;
    }
}

using Gateway.Host.Cli;

namespace Gateway.Host.Verbs;

/// <summary><c>check-config [--config FILE]</c>: prints every problem with its key; exit 0 if the file is valid.</summary>
public static class CheckConfigVerb
{
    public static Task<int> RunAsync(Args args)
    {
        var path = ConfigLocator.Resolve(args.Option("--config"));
        args.RejectUnknown();
        var settings = ConfigLocator.LoadOrReport(path, Console.Error);
        if (settings is null) return Task.FromResult(ExitCodes.Failed);
        var local = settings.LocalModules.Count();
        Console.WriteLine($"{path}: valid. node {settings.NodeName}: {settings.Users.Count} user(s), {settings.SmsGroups.Count} SMS group(s), " +
                          $"{settings.Modules.Count} module(s) ({local} driven by this node), storage {settings.Storage.Provider.ToString().ToLowerInvariant()}");
        return Task.FromResult(ExitCodes.Ok);
    }
}

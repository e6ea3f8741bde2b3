using Gateway.Configuration;

namespace Gateway.Host.Cli;

/// <summary>Finds and loads the configuration a verb was given, or the default <c>hocon/gateway.conf</c>.</summary>
public static class ConfigLocator
{
    public const string DefaultRelativePath = "hocon/gateway.conf";

    /// <summary>The <c>--config</c> file, else <c>hocon/gateway.conf</c> in the working directory or the nearest parent that has one.</summary>
    public static string Resolve(string? configOption)
    {
        if (configOption is not null) return Path.GetFullPath(configOption);
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, DefaultRelativePath);
            if (File.Exists(candidate)) return candidate;
        }
        return Path.GetFullPath(DefaultRelativePath);
    }

    /// <summary>Loads and validates; prints every error to stderr and returns null if there is any.</summary>
    public static GatewaySettings? LoadOrReport(string path, TextWriter errors)
    {
        var result = HoconFile.LoadSettings(path);
        if (result.IsValid) return result.Settings;
        errors.WriteLine($"{path}: {result.Errors.Count} configuration error(s):");
        foreach (var e in result.Errors)
            errors.WriteLine($"  {e.Path}: {e.Problem}");
        return null;
    }
}

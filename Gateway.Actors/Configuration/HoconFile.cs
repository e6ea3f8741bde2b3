using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Gateway.Configuration;

/// <summary>
/// Loads a HOCON file whose <c>include "other.conf"</c> lines are resolved relative to the file
/// that contains them, so a node file can include the shared cluster file beside it.
/// </summary>
public static class HoconFile
{
    public static Config Load(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        return ConfigurationFactory.ParseString(ReadChecked(full), IncludeFrom(System.IO.Path.GetDirectoryName(full)!, new HashSet<string> { full }));
    }

    /// <summary>Loads and validates; a file that cannot be read or parsed is reported like any other error.</summary>
    public static SettingsResult LoadSettings(string path)
    {
        Config config;
        try
        {
            config = Load(path);
        }
        catch (FileNotFoundException e)
        {
            return new SettingsResult(null, [new ConfigError(path, $"cannot read: no such file ({e.FileName ?? path})")]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new SettingsResult(null, [new ConfigError(path, $"cannot read: {e.Message}")]);
        }
        catch (Exception e)
        {
            // Akka's HOCON parser reports syntax errors as FormatException/ConfigurationException with a caret line.
            return new SettingsResult(null, [new ConfigError(path, $"is not valid HOCON: {FirstLines(e.Message)}")]);
        }
        return GatewaySettings.Load(config);
    }

    /// <summary>Reads a file and refuses it if its structure is broken (see <see cref="HoconSyntax"/>).</summary>
    private static string ReadChecked(string file)
    {
        var text = File.ReadAllText(file);
        if (HoconSyntax.Check(text) is { } problem) throw new FormatException($"{file}, {problem}");
        return text;
    }

    private static string FirstLines(string message) =>
        string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(2));

    private static Func<string, HoconRoot> IncludeFrom(string directory, HashSet<string> seen) => name =>
    {
        var file = System.IO.Path.GetFullPath(System.IO.Path.Combine(directory, name));
        if (seen.Contains(file)) throw new FormatException($"include cycle: {file} includes itself");
        if (!File.Exists(file)) throw new FileNotFoundException($"included file {file} does not exist", file);
        return Parser.Parse(ReadChecked(file), IncludeFrom(System.IO.Path.GetDirectoryName(file)!, new HashSet<string>(seen) { file }));
    };
}

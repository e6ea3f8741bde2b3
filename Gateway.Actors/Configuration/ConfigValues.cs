using System.Globalization;
using System.Text;

namespace Gateway.Configuration;

/// <summary>Parsing and formatting of the value forms the configuration uses: durations, sizes, kebab-case words.</summary>
public static class ConfigValues
{
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var s = text.Trim().ToLowerInvariant();
        if (s.Length == 0) return false;
        var i = 0;
        while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
        if (i == 0 || !double.TryParse(s[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
            return false;
        var unit = s[i..].Trim();
        double ms = unit switch
        {
            "" or "s" or "sec" or "second" or "seconds" => n * 1000,
            "ms" or "millisecond" or "milliseconds" => n,
            "m" or "min" or "minute" or "minutes" => n * 60_000,
            "h" or "hour" or "hours" => n * 3_600_000,
            "d" or "day" or "days" => n * 86_400_000,
            _ => double.NaN,
        };
        if (double.IsNaN(ms) || ms > TimeSpan.MaxValue.TotalMilliseconds / 2) return false;
        duration = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    public static string FormatDuration(TimeSpan d) =>
        d.TotalMilliseconds < 1000 ? $"{d.TotalMilliseconds:0}ms"
        : d.TotalSeconds < 60 ? $"{d.TotalSeconds:0.###}s"
        : d.TotalMinutes < 60 ? $"{d.TotalMinutes:0.###}m"
        : $"{d.TotalHours:0.###}h";

    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var s = text.Trim();
        if (s.Length == 0) return false;
        var i = 0;
        while (i < s.Length && char.IsDigit(s[i])) i++;
        if (i == 0 || !long.TryParse(s[..i], NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
        long factor = s[i..].Trim().ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "k" or "kb" or "kib" => 1024,
            "m" or "mb" or "mib" => 1024 * 1024,
            "g" or "gb" or "gib" => 1024L * 1024 * 1024,
            _ => 0,
        };
        if (factor == 0 || n > long.MaxValue / factor) return false;
        bytes = n * factor;
        return true;
    }

    /// <summary><c>LeastBusy</c> → <c>least-busy</c>.</summary>
    public static string ToKebab(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0) sb.Append('-');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    public static IEnumerable<string> KebabNames<T>() where T : struct, Enum =>
        Enum.GetNames<T>().Select(ToKebab);

    public static bool TryParseKebabEnum<T>(string text, out T value) where T : struct, Enum
    {
        var wanted = text.Trim().ToLowerInvariant();
        foreach (var name in Enum.GetNames<T>())
            if (ToKebab(name) == wanted)
            {
                value = Enum.Parse<T>(name);
                return true;
            }
        value = default;
        return false;
    }
}

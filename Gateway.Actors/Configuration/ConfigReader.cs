using System.Collections.Immutable;
using System.Globalization;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Gateway.Configuration;

/// <summary>A problem in the configuration, named by the key's full path (e.g. <c>gateway.modules.gsm-1.port</c>).</summary>
public sealed record ConfigError(string Path, string Problem)
{
    public override string ToString() => $"{Path}: {Problem}";
}

/// <summary>
/// Reads typed values from one HOCON object, collecting every problem instead of stopping at the
/// first, and remembering which keys it read so that keys nobody reads (typos, stale keys) can be
/// reported as unknown. One reader is made per object; <see cref="Child"/> descends.
/// </summary>
public sealed class ConfigReader
{
    private readonly Config _config;
    private readonly ConfigReport _report;

    public string Path { get; }

    private ConfigReader(Config config, string path, ConfigReport report)
    {
        _config = config;
        Path = path;
        _report = report;
    }

    /// <summary>A reader over the object at <paramref name="rootPath"/> of <paramref name="config"/>.</summary>
    public static ConfigReader Open(Config config, string rootPath, ConfigReport report)
    {
        var sub = config.HasPath(rootPath) ? config.GetConfig(rootPath) : Config.Empty;
        report.MarkRead(rootPath);
        return new ConfigReader(sub ?? Config.Empty, rootPath, report);
    }

    public string FullPath(string key) => key.Length == 0 ? Path : $"{Path}.{key}";

    public void Error(string key, string problem) => _report.Add(new ConfigError(FullPath(key), problem));

    public bool Has(string key) => !_config.IsEmpty && _config.HasPath(key);

    /// <summary>Marks a key (and everything under it) as read, for keys whose value is consumed elsewhere.</summary>
    public void Consume(string key) => _report.MarkRead(FullPath(key));

    public ConfigReader Child(string key)
    {
        _report.MarkRead(FullPath(key));
        var sub = Has(key) && IsObject(key) ? _config.GetConfig(key) : Config.Empty;
        return new ConfigReader(sub ?? Config.Empty, FullPath(key), _report);
    }

    private bool IsObject(string key) => _config.GetValue(key) is { } v && v.IsObject();

    /// <summary>The names of the entries of an object keyed by name (<c>users</c>, <c>modules</c>, …).</summary>
    public ImmutableArray<string> Names(string key)
    {
        _report.MarkRead(FullPath(key));
        if (!Has(key)) return ImmutableArray<string>.Empty;
        var value = _config.GetValue(key);
        if (!value.IsObject())
        {
            Error(key, "must be an object of named entries, e.g. { name { … } }");
            return ImmutableArray<string>.Empty;
        }
        return value.GetObject().Items.Keys.OrderBy(k => k, StringComparer.Ordinal).ToImmutableArray();
    }

    /// <summary>Readers for the objects of a list (<c>routing.outgoing</c>, <c>smtp.listen</c>, …), with their index.</summary>
    public ImmutableArray<ConfigReader> Objects(string key)
    {
        _report.MarkRead(FullPath(key));
        if (!Has(key)) return ImmutableArray<ConfigReader>.Empty;
        var value = _config.GetValue(key);
        if (!value.IsArray() && !value.IsObject() && value.GetString() is null)
            return ImmutableArray<ConfigReader>.Empty; // an empty list: []
        if (!value.IsArray())
        {
            Error(key, "must be a list of objects, e.g. [ { … }, { … } ]");
            return ImmutableArray<ConfigReader>.Empty;
        }
        var builder = ImmutableArray.CreateBuilder<ConfigReader>();
        var index = 0;
        foreach (var item in value.GetArray())
        {
            var itemPath = $"{FullPath(key)}[{index}]";
            if (!item.IsObject())
                _report.Add(new ConfigError(itemPath, "must be an object { … }"));
            else
            {
                _report.MarkRead(itemPath);
                builder.Add(new ConfigReader(new Config(new HoconRoot(item)), itemPath, _report));
            }
            index++;
        }
        return builder.ToImmutable();
    }

    public string? OptionalString(string key)
    {
        _report.MarkRead(FullPath(key));
        if (!Has(key)) return null;
        var v = _config.GetValue(key);
        if (v.IsObject() || v.IsArray())
        {
            Error(key, "must be a single value, not an object or a list");
            return null;
        }
        return v.GetString(); // null for an empty value such as []
    }

    public string String(string key, string fallback) => OptionalString(key) ?? fallback;

    public string RequiredString(string key)
    {
        var s = OptionalString(key);
        if (string.IsNullOrWhiteSpace(s))
        {
            Error(key, "is required");
            return "";
        }
        return s;
    }

    public ImmutableArray<string> Strings(string key, params string[] fallback)
    {
        _report.MarkRead(FullPath(key));
        if (!Has(key)) return fallback.ToImmutableArray();
        var v = _config.GetValue(key);
        if (!v.IsArray())
        {
            // Akka's parser gives an empty list as a value with no content.
            // A single value where a list is expected is accepted as a list of one.
            if (!v.IsObject())
                return v.GetString() is { } single ? ImmutableArray.Create(single) : ImmutableArray<string>.Empty;
            Error(key, "must be a list of strings, e.g. [ \"a\", \"b\" ]");
            return fallback.ToImmutableArray();
        }
        var items = new List<string>();
        foreach (var item in v.GetArray())
        {
            if (item.IsObject() || item.IsArray())
            {
                Error(key, "must be a list of strings, not of objects or lists");
                return fallback.ToImmutableArray();
            }
            items.Add(item.GetString());
        }
        return items.ToImmutableArray();
    }

    public bool Bool(string key, bool fallback)
    {
        var s = OptionalString(key);
        if (s is null) return fallback;
        switch (s.Trim().ToLowerInvariant())
        {
            case "on" or "true" or "yes": return true;
            case "off" or "false" or "no": return false;
            default:
                Error(key, $"must be on or off, not \"{s}\"");
                return fallback;
        }
    }

    public int Int(string key, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = OptionalString(key);
        if (s is null) return fallback;
        if (!int.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            Error(key, $"must be a whole number, not \"{s}\"");
            return fallback;
        }
        if (n < min || n > max)
        {
            Error(key, $"must be between {min} and {max}, not {n}");
            return fallback;
        }
        return n;
    }

    public int Port(string key, int fallback, bool allowZero = false) =>
        Int(key, fallback, allowZero ? 0 : 1, 65535);

    /// <summary>A duration such as <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>72h</c>, <c>7d</c>; a bare number is seconds.</summary>
    public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan? min = null)
    {
        var s = OptionalString(key);
        if (s is null) return fallback;
        if (!ConfigValues.TryParseDuration(s, out var d))
        {
            Error(key, $"must be a duration such as 500ms, 30s, 5m, 72h or 7d, not \"{s}\"");
            return fallback;
        }
        if (min is { } m && d < m)
        {
            Error(key, $"must be at least {ConfigValues.FormatDuration(m)}, not {s}");
            return fallback;
        }
        return d;
    }

    /// <summary>A size in bytes such as <c>256k</c>, <c>10M</c>, <c>1G</c> (powers of 1024) or a bare number of bytes.</summary>
    public long Size(string key, long fallback, long min = 0)
    {
        var s = OptionalString(key);
        if (s is null) return fallback;
        if (!ConfigValues.TryParseSize(s, out var n))
        {
            Error(key, $"must be a size such as 512, 256k, 10M or 1G, not \"{s}\"");
            return fallback;
        }
        if (n < min)
        {
            Error(key, $"must be at least {min} bytes, not {s}");
            return fallback;
        }
        return n;
    }

    /// <summary>One of a fixed set of kebab-case words, mapped to an enum by name (<c>least-busy</c> → <c>LeastBusy</c>).</summary>
    public T Enum<T>(string key, T fallback) where T : struct, System.Enum
    {
        var s = OptionalString(key);
        if (s is null) return fallback;
        if (ConfigValues.TryParseKebabEnum<T>(s, out var value)) return value;
        Error(key, $"must be one of {string.Join(" | ", ConfigValues.KebabNames<T>())}, not \"{s}\"");
        return fallback;
    }
}

/// <summary>What reading a configuration found: its errors and which keys were read.</summary>
public sealed class ConfigReport
{
    private readonly List<ConfigError> _errors = new();
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public IReadOnlyList<ConfigError> Errors => _errors;

    public void Add(ConfigError error) => _errors.Add(error);

    public void MarkRead(string path) => _read.Add(path);

    /// <summary>
    /// Reports every leaf under <paramref name="rootPath"/> that no reader asked for: a typo such
    /// as <c>alow-unicode</c> must not silently leave a setting at its default.
    /// </summary>
    public void ReportUnknownKeys(Config config, string rootPath)
    {
        if (!config.HasPath(rootPath)) return;
        Walk(config.GetValue(rootPath), rootPath);
    }

    private void Walk(HoconValue value, string path)
    {
        if (value.IsObject())
        {
            if (!_read.Contains(path))
            {
                _errors.Add(new ConfigError(path, "unknown key (misspelt, or not used by this version)"));
                return;
            }
            foreach (var (key, child) in value.GetObject().Items)
                Walk(child, $"{path}.{key}");
            return;
        }
        if (!_read.Contains(path))
        {
            _errors.Add(new ConfigError(path, "unknown key (misspelt, or not used by this version)"));
            return;
        }
        if (value.IsArray())
        {
            var index = 0;
            foreach (var item in value.GetArray())
            {
                if (item.IsObject() && _read.Contains($"{path}[{index}]"))
                    foreach (var (key, child) in item.GetObject().Items)
                        Walk(child, $"{path}[{index}].{key}");
                index++;
            }
        }
    }
}

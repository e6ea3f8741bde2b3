using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Configuration;

namespace Gateway.Clustering;

/// <summary>
/// What a node must agree on with the nodes already in the cluster, reduced to short strings so it
/// can cross the network and be compared key by key. <see cref="Shared"/> holds the settings every
/// node must have alike (keyed by their HOCON path; big sections as a hash of their meaning, so
/// two files that say the same thing in another order or with defaults written out still match);
/// <see cref="Modules"/> the modules this node drives (name → SIM number, empty when the SIM's
/// number is not configured), which no other node may drive.
/// </summary>
public sealed record NodeFingerprint(
    string NodeName,
    ImmutableSortedDictionary<string, string> Shared,
    ImmutableSortedDictionary<string, string> Modules)
{
    /// <summary>The keys in <see cref="Shared"/>: these must be the same on every node.</summary>
    public static readonly ImmutableArray<string> SharedKeys =
    [
        "gateway.mail.domain",
        "gateway.mail.default-country-code",
        "gateway.storage",
        "gateway.users",
        "gateway.sms-groups",
        "gateway.routing",
        "gateway.autoclip.expires-after",
    ];

    /// <summary>
    /// The shared keys a node may differ on while a change is rolled through the cluster
    /// (<c>cluster.allow-drift</c>); the others would split the gateway (two domains, two journals).
    /// </summary>
    public static readonly ImmutableArray<string> DriftKeys = ["gateway.users", "gateway.sms-groups", "gateway.routing", "gateway.autoclip.expires-after"];

    /// <summary>Whether a line from <see cref="Problems"/> is only a difference in a <see cref="DriftKeys"/> key.</summary>
    public static bool IsDrift(string problem) =>
        DriftKeys.Any(k => problem.StartsWith(k + " differs ", StringComparison.Ordinal));

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>The fingerprint of a node running <paramref name="settings"/>.</summary>
    public static NodeFingerprint Of(GatewaySettings settings)
    {
        var shared = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        shared["gateway.mail.domain"] = settings.Mail.Domain.ToLowerInvariant();
        shared["gateway.mail.default-country-code"] = settings.Mail.DefaultCountryCode;
        shared["gateway.storage"] = StorageIdentity(settings.Storage);
        shared["gateway.users"] = Hash(settings.Users);
        shared["gateway.sms-groups"] = Hash(settings.SmsGroups);
        shared["gateway.routing"] = Hash(settings.Routing);
        shared["gateway.autoclip.expires-after"] = ConfigValues.FormatDuration(settings.AutoClip.ExpiresAfter);
        var modules = settings.LocalModules.ToImmutableSortedDictionary(m => m.Name, m => m.Number ?? "", StringComparer.Ordinal);
        return new NodeFingerprint(settings.NodeName, shared.ToImmutable(), modules);
    }

    /// <summary>
    /// Why a node with <paramref name="joining"/> may not be in one cluster with a node that has
    /// <paramref name="member"/>: one line per problem, each starting with the key to fix. Empty
    /// when they fit.
    /// </summary>
    public static ImmutableArray<string> Problems(NodeFingerprint joining, NodeFingerprint member)
    {
        var problems = ImmutableArray.CreateBuilder<string>();
        if (string.Equals(joining.NodeName, member.NodeName, StringComparison.Ordinal))
            problems.Add($"gateway.node.name: \"{joining.NodeName}\" is already the name of a node in the cluster; every node needs its own name");
        foreach (var key in SharedKeys)
        {
            var mine = joining.Shared.GetValueOrDefault(key, "(missing)");
            var theirs = member.Shared.GetValueOrDefault(key, "(missing)");
            if (!string.Equals(mine, theirs, StringComparison.Ordinal))
                problems.Add($"{key} differs from node {member.NodeName}'s ({Show(key, mine)} here, {Show(key, theirs)} there); every node must have the same");
        }
        foreach (var (name, number) in joining.Modules)
        {
            if (member.Modules.ContainsKey(name))
                problems.Add($"gateway.modules.{name}: node {member.NodeName} drives a module of that name too; module names must be unique across the cluster");
            if (number.Length > 0 && member.Modules.FirstOrDefault(m => m.Value == number) is { Key: { } other } && other != name)
                problems.Add($"gateway.modules.{name}.number: {number} is also the number of module {other} on node {member.NodeName}");
        }
        return problems.ToImmutable();
    }

    /// <summary>
    /// Where the journal is, without secrets: SQLite's absolute file, or PostgreSQL's host, port
    /// and database. Nodes that share a journal share this; an SQLite file is shared only by nodes
    /// on one host (fine for trying a cluster out; production clusters use PostgreSQL).
    /// </summary>
    public static string StorageIdentity(StorageSettings storage)
    {
        var parts = storage.ConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Replace(" ", "").ToLowerInvariant(), p => p[1].Trim(), StringComparer.Ordinal);
        string Part(params string[] names) => names.Select(n => parts.GetValueOrDefault(n)).FirstOrDefault(v => v is not null) ?? "";
        return storage.Provider switch
        {
            StorageProvider.Sqlite => $"sqlite {FullPath(Part("datasource", "data source", "filename"))}",
            _ => $"postgresql {Part("host", "server").ToLowerInvariant()}:{(Part("port") is { Length: > 0 } port ? port : "5432")}/{Part("database", "db")}",
        };
    }

    private static string FullPath(string dataSource) =>
        dataSource.Length == 0 || dataSource.StartsWith("file:", StringComparison.Ordinal) || dataSource == ":memory:"
            ? dataSource
            : Path.GetFullPath(dataSource);

    /// <summary>Values that are hashes are shown short; the operator compares the files, not the hashes.</summary>
    private static string Show(string key, string value) =>
        key is "gateway.users" or "gateway.sms-groups" or "gateway.routing" ? $"fingerprint {value[..Math.Min(8, value.Length)]}" : $"\"{value}\"";

    private static string Hash<T>(T value)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, Json);
        return Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
    }
}

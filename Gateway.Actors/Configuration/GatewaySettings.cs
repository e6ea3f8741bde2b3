using System.Collections.Immutable;
using Akka.Configuration;

namespace Gateway.Configuration;

/// <summary>
/// The whole <c>gateway { … }</c> configuration, read once and validated. Actors receive these
/// records, never raw HOCON. <see cref="Load"/> reports every problem with the key's full path.
/// </summary>
public sealed record GatewaySettings(
    string NodeName,
    StorageSettings Storage,
    ClusterSettings Cluster,
    MailSettings Mail,
    ImmutableSortedDictionary<string, UserSettings> Users,
    ImmutableSortedDictionary<string, SmsGroupSettings> SmsGroups,
    ImmutableSortedDictionary<string, ModuleSettings> Modules,
    RoutingSettings Routing,
    AutoClipSettings AutoClip,
    SmsSettings Sms,
    ModemSettings Modem,
    VirtualNetworkSettings VirtualNetwork,
    LogSettings Log,
    ModuleRegistrySettings? ModuleRegistry = null)
{
    /// <summary><c>gateway.cluster.module-registry</c>.</summary>
    public ModuleRegistrySettings ModuleRegistry { get; init; } = ModuleRegistry ?? ModuleRegistrySettings.Default;

    public const string Root = "gateway";

    /// <summary>The modules this node drives (their <c>node</c> is this node's name).</summary>
    public IEnumerable<ModuleSettings> LocalModules => Modules.Values.Where(m => m.Node == NodeName);

    /// <summary>Reads and validates; on any error the result carries the errors and no settings.</summary>
    public static SettingsResult Load(Config config)
    {
        var report = new ConfigReport();
        var r = ConfigReader.Open(config, Root, report);
        if (!config.HasPath(Root))
            report.Add(new ConfigError(Root, "is missing: the file must have a gateway { … } section"));

        var nodeName = r.Child("node").String("name", "node-a");
        var storage = StorageSettings.Read(r.Child("storage"));
        var cluster = ClusterSettings.Read(r.Child("cluster"));
        var mail = MailSettings.Read(r.Child("mail"));

        var usersReader = r.Child("users");
        var users = usersReader.Names("").ToImmutableSortedDictionary(n => n, n => UserSettings.Read(n, usersReader.Child(n), mail.Domain), StringComparer.Ordinal);
        var groupsReader = r.Child("sms-groups");
        var groups = groupsReader.Names("").ToImmutableSortedDictionary(n => n, n => SmsGroupSettings.Read(n, groupsReader.Child(n)), StringComparer.Ordinal);
        var modulesReader = r.Child("modules");
        var modules = modulesReader.Names("").ToImmutableSortedDictionary(n => n, n => ModuleSettings.Read(n, modulesReader.Child(n), mail.DefaultCountryCode), StringComparer.Ordinal);

        var settings = new GatewaySettings(
            nodeName, storage, cluster, mail, users, groups, modules,
            RoutingSettings.Read(r.Child("routing"), mail.DefaultCountryCode),
            AutoClipSettings.Read(r.Child("autoclip")),
            SmsSettings.Read(r.Child("sms")),
            ModemSettings.Read(r.Child("modem")),
            VirtualNetworkSettings.Read(r.Child("virtual-network")),
            LogSettings.Read(r.Child("log")),
            ModuleRegistrySettings.Read(r.Child("cluster").Child("module-registry")));

        CrossCheck(settings, report);
        report.ReportUnknownKeys(config, Root);
        return report.Errors.Count == 0 ? new SettingsResult(settings, []) : new SettingsResult(null, report.Errors.ToArray());
    }

    /// <summary>Checks that need more than one section: names that refer to other names.</summary>
    private static void CrossCheck(GatewaySettings s, ConfigReport report)
    {
        void Err(string path, string problem) => report.Add(new ConfigError($"{Root}.{path}", problem));

        foreach (var m in s.Modules.Values)
            if (!s.SmsGroups.ContainsKey(m.Group))
                Err($"modules.{m.Name}.group", $"names SMS group \"{m.Group}\", which is not in sms-groups");

        foreach (var dup in s.Modules.Values.Where(m => m.Number is not null).GroupBy(m => m.Number).Where(g => g.Count() > 1))
            Err($"modules.{dup.Last().Name}.number", $"{dup.Key} is also the number of module {dup.First().Name}");

        foreach (var u in s.Users.Values)
            foreach (var g in u.SmsGroups.Where(g => !s.SmsGroups.ContainsKey(g)))
                Err($"users.{u.Name}.sms-groups", $"names SMS group \"{g}\", which is not in sms-groups");

        foreach (var dup in s.Users.Values.GroupBy(u => u.Address, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            Err($"users.{dup.Last().Name}.address", $"{dup.Key} is also the address of user {dup.First().Name}");

        foreach (var rule in s.Routing.Outgoing)
        {
            foreach (var g in rule.Groups.Where(g => !s.SmsGroups.ContainsKey(g)))
                Err($"routing.outgoing[{rule.Index}].groups", $"names SMS group \"{g}\", which is not in sms-groups");
            foreach (var u in rule.Users.Where(u => u != "*" && !s.Users.ContainsKey(u)))
                Err($"routing.outgoing[{rule.Index}].users", $"names user \"{u}\", who is not in users");
        }
        foreach (var rule in s.Routing.Incoming)
        {
            if (rule.Group != "*" && !s.SmsGroups.ContainsKey(rule.Group))
                Err($"routing.incoming[{rule.Index}].group", $"names SMS group \"{rule.Group}\", which is not in sms-groups");
            if (rule.User is not null && !s.Users.ContainsKey(rule.User))
                Err($"routing.incoming[{rule.Index}].user", $"names user \"{rule.User}\", who is not in users");
        }
        if (s.Routing.Postmaster is { } postmaster && !s.Users.ContainsKey(postmaster))
            Err("routing.postmaster", $"names user \"{postmaster}\", who is not in users");
        foreach (var (vip, i) in s.Routing.Vip.Select((v, i) => (v, i)))
            if (!s.Users.ContainsKey(vip.User))
                Err($"routing.vip[{i}].user", $"names user \"{vip.User}\", who is not in users");
    }
}

/// <summary>The outcome of <see cref="GatewaySettings.Load"/>: settings, or the reasons there are none.</summary>
public sealed record SettingsResult(GatewaySettings? Settings, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Settings is not null;
}

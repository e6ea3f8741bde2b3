using System.Reflection;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Gateway.AutoClip;
using Gateway.Mailbox;
using Gateway.Modem;
using Gateway.Routing;
using Gateway.Routing.Incoming;
using Xunit;

namespace Gateway.Tests.Serialization;

/// <summary>
/// Every message of ours that can cross the network has one of our binary serializers: Akka never
/// falls back to its reflection-based default (Newtonsoft JSON, or Hyperion if installed) for
/// them. The messages are found by reading the protocol files (<c>*Protocol.cs</c>) of
/// <c>Gateway.Actors</c>, so a message added there without a binding fails this test. The few
/// types in those files that never leave their node are listed below with the reason.
/// </summary>
public sealed class MessageSerializerCoverageTests : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Types in protocol files that are not messages between nodes, and why.</summary>
    private static readonly IReadOnlyDictionary<string, string> StaysOnItsNode = new Dictionary<string, string>
    {
        ["Gateway.Routing.RouterLinks"] = "the host tells its own router where its own actors are",
        ["Gateway.Routing.LocalModemBank"] = "not a message: the single-node module network",
        ["Gateway.Routing.GetRouterStatus"] = "asked of the local router at the edge (tests, operators)",
        ["Gateway.Routing.RouterStatus"] = "the local router's answer to GetRouterStatus",
        ["Gateway.Mailbox.MailboxRegion"] = "actor-registry key",
        ["Gateway.Mailbox.OutgoingJobConsumer"] = "actor-registry key",
        ["Gateway.AutoClip.AutoClipRegion"] = "actor-registry key",
        ["Gateway.Routing.Incoming.IncomingLedgerKey"] = "actor-registry key",
        ["Gateway.Routing.Incoming.IncomingRouterKey"] = "actor-registry key",
        ["Gateway.Clustering.ModuleRegistryKey"] = "actor-registry key",
        ["Gateway.Routing.OutgoingRouter"] = "actor-registry key",
        // The SMTP edge and its session actor are created together on the node the client connected to.
        ["Gateway.Mail.Smtp.OpenSession"] = "between an SMTP listener and the sessions actor of its node",
        ["Gateway.Mail.Smtp.SessionOpened"] = "between an SMTP listener and the sessions actor of its node",
        ["Gateway.Mail.Smtp.SessionEnded"] = "between an SMTP connection and its own session actor",
        ["Gateway.Mail.Smtp.LoggedIn"] = "between an SMTP connection and its own session actor",
        ["Gateway.Mail.Smtp.SecuredWithTls"] = "between an SMTP connection and its own session actor",
        ["Gateway.Mail.Smtp.CheckSender"] = "between an SMTP connection and its own session actor",
        ["Gateway.Mail.Smtp.CheckRecipient"] = "between an SMTP connection and its own session actor",
        ["Gateway.Mail.Smtp.SubmitMail"] = "between an SMTP connection and its own session actor (which submits SubmitOutgoing to the mailbox)",
    };

    /// <summary>Parts carried inside messages and written inline by the enclosing message's serializer; never sent alone.</summary>
    private static readonly IReadOnlyDictionary<string, string> CarriedInside = new Dictionary<string, string>
    {
        ["Gateway.Modem.ModuleUsageStatus"] = "in ModuleStatus",
        ["Gateway.AutoClip.AutoClipRecord"] = "in AutoClipList",
        ["Gateway.Mailbox.MaildropEntry"] = "in MaildropLocked",
        ["Gateway.Mailbox.FetchedMessage"] = "in MessagesFetched",
        ["Gateway.Mailbox.OutgoingSms"] = "in SubmitOutgoing, OutgoingJobQueued and the journal's events",
        ["Gateway.Mailbox.IncomingSms"] = "in DeliverSms",
    };

    public MessageSerializerCoverageTests() : base(ConfigurationFactory.ParseString(string.Join("\n",
        MailboxSerializer.Hocon, AutoClipSerializer.Hocon, RoutingSerializer.Hocon, ModemSerializer.Hocon, IncomingSerializer.Hocon,
        Gateway.Clustering.ModuleRegistrySerializer.Hocon, Gateway.Clustering.NodeCompatibilitySerializer.Hocon)))
    { }

    private static readonly string[] OurSerializers =
        [nameof(MailboxSerializer), nameof(AutoClipSerializer), nameof(RoutingSerializer), nameof(ModemSerializer), nameof(IncomingSerializer), "ModuleRegistrySerializer", "NodeCompatibilitySerializer"];

    private static IEnumerable<(string File, Type Type)> ProtocolTypes()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Gateway.sln"))) root = root.Parent;
        Assert.NotNull(root);
        var assembly = typeof(Gateway.Configuration.GatewaySettings).Assembly;
        var files = Directory.GetFiles(Path.Combine(root!.FullName, "Gateway.Actors"), "*Protocol.cs", SearchOption.AllDirectories);
        Assert.True(files.Length >= 7, $"only {files.Length} protocol files found");
        foreach (var file in files)
        {
            var source = File.ReadAllText(file);
            var ns = Regex.Match(source, @"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline).Groups[1].Value;
            foreach (Match m in Regex.Matches(source, @"^public\s+(?:sealed\s+|abstract\s+)*(?:record|class)\s+(\w+)", RegexOptions.Multiline))
            {
                var name = $"{ns}.{m.Groups[1].Value}";
                yield return (Path.GetFileName(file), assembly.GetType(name) ?? throw new InvalidOperationException($"{name} from {file} is not in Gateway.Actors"));
            }
        }
    }

    [Fact]
    public void Every_message_in_the_protocol_files_is_written_by_one_of_our_serializers()
    {
        var types = ProtocolTypes().ToArray();
        Assert.True(types.Length > 60, $"only {types.Length} types found in the protocol files");
        var missing = new List<string>();
        foreach (var (file, type) in types)
        {
            if (StaysOnItsNode.ContainsKey(type.FullName!) || CarriedInside.ContainsKey(type.FullName!)) continue;
            var serializer = Sys.Serialization.FindSerializerForType(type);
            if (!OurSerializers.Contains(serializer.GetType().Name)) missing.Add($"{type.Name} ({file}) → {serializer.GetType().Name}");
        }
        Assert.True(missing.Count == 0, "not bound to a serializer of ours:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void The_list_of_types_that_stay_on_their_node_names_only_types_that_exist()
    {
        var found = ProtocolTypes().Select(t => t.Type.FullName).ToHashSet();
        Assert.All(StaysOnItsNode.Keys.Concat(CarriedInside.Keys), name => Assert.Contains(name, found));
    }

}

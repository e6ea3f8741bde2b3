using Akka.Configuration;
using Gateway.Clustering;
using Gateway.Configuration;
using Xunit;

namespace Gateway.Tests.Clustering;

/// <summary>
/// What two nodes must agree on to be one gateway, as a pure function of their settings: each
/// problem names the key an operator has to fix.
/// </summary>
public class NodeFingerprintTests
{
    private static readonly string Hash = Gateway.Accounts.PasswordHasher.Hash("pw", Gateway.Accounts.PasswordHasher.MinIterations);

    private static string Shared(string extraUsers = "", string routing = "", string storage = "provider = postgresql, connection-string = \"Host=db;Port=5432;Username=gw;Password=a;Database=gateway\"") => $$"""
        gateway {
          storage { {{storage}} }
          mail.domain = "sms.example.net"
          users { alice { password-hash = "{{Hash}}", sms-groups = [operator-a] } {{extraUsers}} }
          sms-groups { operator-a {} }
          routing { outgoing = [ { destinations = ["+420*"], groups = [operator-a] } ] {{routing}} }
        }
        """;

    private static NodeFingerprint Node(string name, string shared, string modules)
    {
        var result = GatewaySettings.Load(ConfigurationFactory.ParseString($$"""
            gateway { node.name = "{{name}}", modules { {{modules}} } }
            """).WithFallback(ConfigurationFactory.ParseString(shared)));
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return NodeFingerprint.Of(result.Settings!);
    }

    private static string Module(string name, string node, string number) =>
        $"{name} {{ node = \"{node}\", group = operator-a, transport = virtual, number = \"{number}\" }}\n";

    [Fact]
    public void Nodes_with_the_same_shared_settings_and_their_own_modules_fit()
    {
        var a = Node("node-a", Shared(), Module("gsm-a1", "node-a", "+420600000001"));
        var b = Node("node-b", Shared(), Module("gsm-b1", "node-b", "+420600000002"));
        Assert.Empty(NodeFingerprint.Problems(b, a));
        Assert.Equal(new[] { "gsm-a1" }, a.Modules.Keys);
    }

    [Fact]
    public void The_same_settings_written_differently_give_the_same_fingerprint()
    {
        // Defaults written out and another password string for the same database still mean the same.
        var a = Node("node-a", Shared(), "");
        var b = Node("node-b", Shared(storage: "provider = postgresql, connection-string = \"Database=gateway; Host=DB; Username=gw; Password=b\"")
            .Replace("operator-a {}", "operator-a { selection = least-busy }"), "");
        Assert.Empty(NodeFingerprint.Problems(b, a));
    }

    [Fact]
    public void Each_shared_setting_that_differs_is_named_by_its_key()
    {
        var a = Node("node-a", Shared(), "");
        var otherUsers = Node("node-b", Shared(extraUsers: $"bob {{ password-hash = \"{Hash}\" }}"), "");
        var otherDomain = Node("node-b", Shared().Replace("sms.example.net", "sms.example.org"), "");
        var otherDatabase = Node("node-b", Shared(storage: "provider = postgresql, connection-string = \"Host=db;Database=other\""), "");
        var otherRules = Node("node-b", Shared(routing: ", incoming = [ { group = \"*\", action = drop } ]"), "");

        Assert.Contains(NodeFingerprint.Problems(otherUsers, a), p => p.StartsWith("gateway.users differs from node node-a's"));
        Assert.Contains(NodeFingerprint.Problems(otherDomain, a), p => p.StartsWith("gateway.mail.domain differs") && p.Contains("\"sms.example.org\" here"));
        Assert.Contains(NodeFingerprint.Problems(otherDatabase, a), p => p.StartsWith("gateway.storage differs") && p.Contains("db:5432/other"));
        var rules = Assert.Single(NodeFingerprint.Problems(otherRules, a));
        Assert.StartsWith("gateway.routing differs", rules);
    }

    [Fact]
    public void Nodes_on_separate_SQLite_files_do_not_fit_nodes_on_one_file_do()
    {
        var dir = Directory.CreateTempSubdirectory("gw-fp-").FullName;
        string Sqlite(string file) => Shared(storage: $"provider = sqlite, connection-string = \"Data Source={Path.Combine(dir, file)}\"");
        var a = Node("node-a", Sqlite("one.db"), "");
        Assert.Empty(NodeFingerprint.Problems(Node("node-b", Sqlite("one.db"), ""), a));
        var problem = Assert.Single(NodeFingerprint.Problems(Node("node-b", Sqlite("two.db"), ""), a));
        Assert.StartsWith("gateway.storage differs", problem);
        Assert.Contains("two.db", problem);
    }

    [Fact]
    public void A_module_or_SIM_number_another_node_drives_and_a_node_name_in_use_are_refused()
    {
        var a = Node("node-a", Shared(), Module("gsm-1", "node-a", "+420600000001") + Module("gsm-2", "node-a", "+420600000002"));
        var sameName = Node("node-b", Shared(), Module("gsm-1", "node-b", "+420600000009"));
        var sameNumber = Node("node-b", Shared(), Module("gsm-9", "node-b", "+420600000002"));
        var sameNode = Node("node-a", Shared(), "");

        Assert.Equal(["gateway.modules.gsm-1: node node-a drives a module of that name too; module names must be unique across the cluster"],
            NodeFingerprint.Problems(sameName, a).ToArray());
        Assert.Equal(["gateway.modules.gsm-9.number: +420600000002 is also the number of module gsm-2 on node node-a"],
            NodeFingerprint.Problems(sameNumber, a).ToArray());
        Assert.Contains(NodeFingerprint.Problems(sameNode, a), p => p.StartsWith("gateway.node.name: \"node-a\" is already the name"));
    }

    [Fact]
    public void Only_users_groups_rules_and_AutoCLIP_expiry_may_drift_during_a_rolling_change()
    {
        var a = Node("node-a", Shared(), Module("gsm-1", "node-a", "+420600000001"));
        var newUser = Node("node-b", Shared(extraUsers: $"bob {{ password-hash = \"{Hash}\" }}"), "");
        var newDomain = Node("node-b", Shared().Replace("sms.example.net", "sms.example.org"), "");
        var sameModule = Node("node-b", Shared(), Module("gsm-1", "node-b", "+420600000009"));

        Assert.All(NodeFingerprint.Problems(newUser, a), p => Assert.True(NodeFingerprint.IsDrift(p), p));
        // A new domain also changes every user's default address: drift and a problem that is not.
        Assert.Contains(NodeFingerprint.Problems(newDomain, a), p => !NodeFingerprint.IsDrift(p) && p.StartsWith("gateway.mail.domain"));
        Assert.All(NodeFingerprint.Problems(sameModule, a), p => Assert.False(NodeFingerprint.IsDrift(p), p));
    }
}

using Akka.Configuration;
using Gateway.Accounts;
using Gateway.Configuration;

namespace Gateway.Tests.Support;

/// <summary>Validated settings from a HOCON snippet, with users alice and bob (passwords "alice-pw", "bob-pw"; 1000 iterations).</summary>
public static class TestSettings
{
    public const string AlicePassword = "alice-pw";
    public const string BobPassword = "bob-pw";

    public static readonly string AliceHash = PasswordHasher.Hash(AlicePassword, PasswordHasher.MinIterations);
    public static readonly string BobHash = PasswordHasher.Hash(BobPassword, PasswordHasher.MinIterations);

    /// <summary>
    /// One hash per extra user for the whole run: two nodes built from this method get the same
    /// users, salt included, as nodes sharing one file do (a node whose users differ is refused at join).
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> ExtraUserHashes = new(StringComparer.Ordinal);

    /// <summary>
    /// A whole gateway configuration: no modules, users alice and bob (plus <paramref name="extraUsers"/>,
    /// each with password "&lt;name&gt;-pw"), listeners on port 0, and <paramref name="extra"/> merged over it.
    /// </summary>
    public static GatewaySettings Gateway(string extra = "", string? databasePath = null, IEnumerable<string>? extraUsers = null)
    {
        var users = string.Join("\n", (extraUsers ?? []).Select(u =>
            $"{u} {{ password-hash = \"{ExtraUserHashes.GetOrAdd(u, n => PasswordHasher.Hash(n + "-pw", PasswordHasher.MinIterations))}\" }}"));
        var hocon = $$"""
            gateway {
              node.name = "node-a"
              storage { provider = sqlite, connection-string = "Data Source={{databasePath ?? Path.Combine(Directory.CreateTempSubdirectory("gw-db-").FullName, "gateway.db")}}" }
              cluster { hostname = "127.0.0.1", port = 0 }
              mail {
                domain = "sms.example.net"
                smtp.listen = []
                pop3.listen = [ { host = "127.0.0.1", port = 0, tls = none } ]
              }
              users {
                alice { password-hash = "{{AliceHash}}", sms-groups = [operator-a] }
                bob { password-hash = "{{BobHash}}", sms-groups = [operator-a] }
                {{users}}
              }
              sms-groups { operator-a { selection = least-busy } }
              modules {}
              routing { outgoing = [], incoming = [] }
            }
            """;
        var config = ConfigurationFactory.ParseString(extra).WithFallback(ConfigurationFactory.ParseString(hocon));
        var result = GatewaySettings.Load(config);
        if (!result.IsValid) throw new InvalidOperationException(string.Join("\n", result.Errors));
        return result.Settings!;
    }
}

using Akka.Configuration;
using Gateway.Configuration;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Configuration;

public class GatewaySettingsTests
{
    private static SettingsResult Load(string hocon) => GatewaySettings.Load(ConfigurationFactory.ParseString(hocon));

    [Fact]
    public void The_shipped_default_configuration_is_valid_and_runs_on_virtual_modules_on_loopback()
    {
        var result = HoconFile.LoadSettings(TestEnvironment.RepoFile("hocon/gateway.conf"));
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var s = result.Settings!;
        Assert.All(s.Modules.Values, m => Assert.Equal(ModuleTransport.Virtual, m.Transport));
        Assert.All(s.Mail.SmtpListen.Concat(s.Mail.Pop3Listen), l => Assert.Equal("127.0.0.1", l.Host));
        Assert.Equal(StorageProvider.Sqlite, s.Storage.Provider);
        Assert.NotEmpty(s.LocalModules);
    }

    [Fact]
    public void The_design_contract_example_loads_with_its_values()
    {
        var result = Load($$"""
            gateway {
              node.name = "node-a"
              storage { provider = sqlite, connection-string = "Data Source=data/gateway.db" }
              cluster { hostname = "127.0.0.1", port = 4053, seed-nodes = ["127.0.0.1:4053"] }
              mail {
                domain = "sms.example.net"
                default-country-code = "420"
                smtp.listen = [ { host = "127.0.0.1", port = 2525, tls = none } ]
                pop3.listen = [ { host = "127.0.0.1", port = 1100, tls = none } ]
                allow-plaintext-auth = loopback
                max-message-size = 256k
              }
              users { alice { address = "alice@sms.example.net", password-hash = "{{Gateway.Accounts.PasswordHasher.Hash("pw", 1000)}}", sms-groups = [operator-a] } }
              sms-groups { operator-a { selection = round-robin } }
              modules {
                gsm-1 { node = "node-a", group = operator-a, transport = tcp, host = "127.0.0.1", port = 7100 }
                gsm-2 { node = "node-a", group = operator-a, transport = serial, device = "/dev/ttyUSB0", baud = 115200, pin = "1234" }
                gsm-3 { node = "node-b", group = operator-a, transport = virtual, number = "+420600000003" }
              }
              routing {
                outgoing = [ { users = ["*"], destinations = ["+420*"], groups = [operator-a] } ]
                incoming = [
                  { group = operator-a, action = autoclip }
                  { group = operator-a, action = deliver, user = alice }
                  { group = "*", action = drop }
                ]
              }
              autoclip.expires-after = 72h
              sms { allow-unicode = on, allow-concatenation = on, max-parts = 6, insert-subject = off, insert-sender = off }
            }
            """);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var s = result.Settings!;
        Assert.Equal(262144, s.Mail.MaxMessageSize);
        Assert.Equal(TimeSpan.FromHours(72), s.AutoClip.ExpiresAfter);
        Assert.Equal(ModuleSelection.RoundRobin, s.SmsGroups["operator-a"].Selection);
        Assert.Equal(new[] { "gsm-1", "gsm-2" }, s.LocalModules.Select(m => m.Name));
        Assert.Equal("1234", s.Modules["gsm-2"].Pin);
        Assert.Equal(7100, s.Modules["gsm-1"].Port);
        Assert.Equal(new[] { IncomingAction.Autoclip, IncomingAction.Deliver, IncomingAction.Drop }, s.Routing.Incoming.Select(r => r.Action));
        Assert.Equal("alice", s.Routing.Incoming[1].User);
        Assert.Equal(new[] { "127.0.0.1:4053" }, s.Cluster.SeedNodes);
    }

    [Theory]
    [InlineData("gateway.sms.alow-unicode = on", "gateway.sms.alow-unicode", "unknown key")]
    [InlineData("gateway.sms.max-parts = 0", "gateway.sms.max-parts", "between 1 and 255")]
    [InlineData("gateway.sms.allow-unicode = maybe", "gateway.sms.allow-unicode", "on or off")]
    [InlineData("gateway.autoclip.expires-after = soon", "gateway.autoclip.expires-after", "duration")]
    [InlineData("gateway.mail.max-message-size = big", "gateway.mail.max-message-size", "size")]
    [InlineData("gateway.mail.default-country-code = \"0420\"", "gateway.mail.default-country-code", "country calling code")]
    [InlineData("gateway.storage.provider = oracle", "gateway.storage.provider", "sqlite | postgresql")]
    [InlineData("gateway.cluster.seed-nodes = [\"nohost\"]", "gateway.cluster.seed-nodes", "host:port")]
    [InlineData("gateway.mail.smtp.listen = [ { port = 70000 } ]", "gateway.mail.smtp.listen[0].port", "between")]
    [InlineData("gateway.mail.smtp.listen = [ { port = 25, tsl = none } ]", "gateway.mail.smtp.listen[0].tsl", "unknown key")]
    [InlineData("gateway.mail.smtp.listen = [ { port = 465, tls = implicit } ]", "gateway.mail.tls.certificate", "is required")]
    [InlineData("gateway.modules.m { node = a, group = g, transport = serial }\ngateway.sms-groups.g {}", "gateway.modules.m.device", "is required")]
    [InlineData("gateway.modules.m { node = a, group = g, transport = virtual }\ngateway.sms-groups.g {}", "gateway.modules.m.number", "is required")]
    [InlineData("gateway.modules.m { node = a, group = g, number = \"12ab\" }\ngateway.sms-groups.g {}", "gateway.modules.m.number", "contains 'a'")]
    [InlineData("gateway.modules.m { node = a, group = nope, number = \"+420600000001\" }", "gateway.modules.m.group", "not in sms-groups")]
    [InlineData("gateway.users.bob { sms-groups = [g] }", "gateway.users.bob.password-hash", "is required")]
    [InlineData("gateway.users.bob { password-hash = \"secret\" }", "gateway.users.bob.password-hash", "hash-password verb")]
    [InlineData("gateway.routing.outgoing = [ { groups = [] } ]", "gateway.routing.outgoing[0].groups", "at least one")]
    [InlineData("gateway.routing.outgoing = [ { groups = [g], hours = \"8-18\" } ]\ngateway.sms-groups.g {}", "gateway.routing.outgoing[0].hours", "08:00-18:00")]
    [InlineData("gateway.routing.incoming = [ { group = \"*\", action = deliver } ]", "gateway.routing.incoming[0].user", "required for action = deliver")]
    [InlineData("gateway.routing.incoming = [ { group = \"*\", action = deliver, user = carol } ]", "gateway.routing.incoming[0].user", "not in users")]
    [InlineData("gateway.routing.postmaster = carol", "gateway.routing.postmaster", "not in users")]
    [InlineData("gateway.routing.reassembly-timeout = later", "gateway.routing.reassembly-timeout", "duration")]
    [InlineData("gateway.routing { delivery-retry-min = 10s, delivery-retry-max = 1s }", "gateway.routing.delivery-retry-max", "not be shorter")]
    [InlineData("gateway.routing.kept-records = 0", "gateway.routing.kept-records", "between")]
    [InlineData("gateway.autoclip.snapshot-every = 1", "gateway.autoclip.snapshot-every", "between")]
    [InlineData("gateway.autoclip.query-timeout = 0s", "gateway.autoclip.query-timeout", "at least")]
    public void Each_problem_is_reported_with_the_full_path_of_its_key(string hocon, string path, string problem)
    {
        var result = Load(hocon);
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path == path && e.Problem.Contains(problem, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void All_problems_are_reported_at_once_not_only_the_first()
    {
        var result = Load("gateway { sms.max-parts = 0\n autoclip.expires-after = soon\n node.nmae = x }");
        Assert.Equal(3, result.Errors.Count);
    }

    [Fact]
    public void A_file_without_a_gateway_section_is_refused()
    {
        var result = Load("akka.loglevel = DEBUG");
        Assert.Contains(result.Errors, e => e.Path == "gateway");
    }

    [Fact]
    public void Includes_resolve_relative_to_the_including_file_and_node_files_add_their_own_modules()
    {
        var dir = Directory.CreateTempSubdirectory("gw-conf-").FullName;
        File.WriteAllText(Path.Combine(dir, "cluster.conf"), """
            gateway {
              sms-groups { operator-a {} }
              modules { gsm-a1 { node = "node-a", group = operator-a, number = "+420600000001" } }
            }
            """);
        Directory.CreateDirectory(Path.Combine(dir, "nodes"));
        File.WriteAllText(Path.Combine(dir, "nodes", "node-b.conf"), """
            include "../cluster.conf"
            gateway {
              node.name = "node-b"
              modules { gsm-b1 { node = "node-b", group = operator-a, number = "+420600000011" } }
            }
            """);
        var result = HoconFile.LoadSettings(Path.Combine(dir, "nodes", "node-b.conf"));
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(new[] { "gsm-a1", "gsm-b1" }, result.Settings!.Modules.Keys);
        Assert.Equal(new[] { "gsm-b1" }, result.Settings.LocalModules.Select(m => m.Name));
    }

    [Fact]
    public void A_syntax_error_or_a_missing_file_is_a_reported_error_not_an_exception()
    {
        var dir = Directory.CreateTempSubdirectory("gw-conf-").FullName;
        File.WriteAllText(Path.Combine(dir, "broken.conf"), "gateway { x = [1, 2 }");
        var broken = HoconFile.LoadSettings(Path.Combine(dir, "broken.conf"));
        Assert.False(broken.IsValid);
        Assert.Contains("HOCON", broken.Errors.Single().Problem);

        var missing = HoconFile.LoadSettings(Path.Combine(dir, "nope.conf"));
        Assert.Contains("no such file", missing.Errors.Single().Problem);

        File.WriteAllText(Path.Combine(dir, "inc.conf"), "include \"absent.conf\"\ngateway {}");
        Assert.False(HoconFile.LoadSettings(Path.Combine(dir, "inc.conf")).IsValid);
    }

    [Fact]
    public void A_rule_schedule_wraps_midnight_and_honours_weekdays()
    {
        var result = Load("gateway { sms-groups.g {}\n routing.outgoing = [ { groups = [g], hours = \"22:00-06:00\", weekdays = [mon, fri] } ] }");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var schedule = result.Settings!.Routing.Outgoing[0].Schedule;
        Assert.True(schedule.Covers(new DateTime(2026, 11, 23, 23, 0, 0)));   // Monday 23:00
        Assert.True(schedule.Covers(new DateTime(2026, 11, 27, 5, 59, 0)));   // Friday 05:59
        Assert.False(schedule.Covers(new DateTime(2026, 11, 23, 12, 0, 0)));  // Monday noon
        Assert.False(schedule.Covers(new DateTime(2026, 11, 24, 23, 0, 0)));  // Tuesday
    }

    [Theory]
    [InlineData("+420*", "+420777123456", true)]
    [InlineData("+420*", "+421777123456", false)]
    [InlineData("+42077712345?", "+420777123456", true)]
    [InlineData("+42077712345?", "+4207771234567", false)]
    [InlineData("*", "ALPHA", true)]
    public void Number_masks_match_digits_with_question_mark_and_star(string mask, string number, bool matches) =>
        Assert.Equal(matches, new NumberMask(mask).Matches(number));

    [Fact]
    public void The_incoming_and_AutoCLIP_keys_have_their_documented_defaults_and_take_values()
    {
        var defaults = Load("gateway {}").Settings!;
        Assert.Null(defaults.Routing.Postmaster);
        Assert.Equal(TimeSpan.FromMinutes(10), defaults.Routing.ReassemblyTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), defaults.Routing.DeliveryRetryMin);
        Assert.Equal(TimeSpan.FromMinutes(5), defaults.Routing.DeliveryRetryMax);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.Routing.AnswerTimeout);
        Assert.Equal(10_000, defaults.Routing.KeptRecords);
        Assert.Equal(TimeSpan.FromHours(72), defaults.AutoClip.ExpiresAfter);
        Assert.Equal(1000, defaults.AutoClip.SnapshotEvery);
        Assert.Equal(TimeSpan.FromSeconds(10), defaults.AutoClip.QueryTimeout);

        var set = Load($$"""
            gateway.users.alice { password-hash = "{{Gateway.Accounts.PasswordHasher.Hash("pw", 1000)}}" }
            gateway.routing { postmaster = alice, reassembly-timeout = 2m, delivery-retry-min = 1s, delivery-retry-max = 1m, answer-timeout = 5s, kept-records = 50 }
            gateway.autoclip { expires-after = 0, snapshot-every = 200, query-timeout = 3s }
            """);
        Assert.True(set.IsValid, string.Join("\n", set.Errors));
        var s = set.Settings!;
        Assert.Equal("alice", s.Routing.Postmaster);
        Assert.Equal(TimeSpan.FromMinutes(2), s.Routing.ReassemblyTimeout);
        Assert.Equal(50, s.Routing.KeptRecords);
        Assert.False(s.AutoClip.Expires);
        Assert.Equal(200, s.AutoClip.SnapshotEvery);
        Assert.Equal(TimeSpan.FromSeconds(3), s.AutoClip.QueryTimeout);
    }
}

using Gateway.Tests.Clustering.Support;
using Gateway.Tests.Support;
using MailKit.Net.Pop3;
using MailKit.Security;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Clustering;

/// <summary>
/// Nodes as processes: they form one cluster on one PostgreSQL database, a node that does not fit
/// is refused and says why, and SIGTERM is a graceful leave after which the node can come back.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MembershipTests(PostgresServer postgres, ITestOutputHelper output)
{
    [PostgresFact]
    public async Task Three_nodes_form_one_cluster_and_a_node_whose_configuration_does_not_fit_leaves_exits_4_and_names_the_keys()
    {
        await using var cluster = await GatewayCluster.CreateAsync(postgres, output, nodes: 4, modemsPerNode: 1);
        var (a, b, c, d) = (cluster["node-a"], cluster["node-b"], cluster["node-c"], cluster["node-d"]);
        foreach (var node in new[] { a, b, c }) await node.StartAsync();
        await a.WaitForLogAsync("members up: 3", 0);
        Assert.Contains("this node is the cluster's oldest member", a.Output);
        Assert.Contains("configuration matches the cluster's", b.Output);
        Assert.Contains("configuration matches the cluster's", c.Output);

        // Node d: another mail domain, and a SIM number node-a's module already has.
        d.WriteConfig($"""
            gateway.mail.domain = "sms.example.org"
            gateway.modules.{d.Modules[0].Name}.number = "{a.Modules[0].Number}"
            """);
        var mark = a.Mark;
        var refused = d.Launch();
        var code = await refused.WaitForExitAsync(TimeSpan.FromSeconds(90));
        output.WriteLine(refused.Stdout + refused.Stderr);
        Assert.Equal(4, code);
        var said = refused.Stdout + refused.Stderr;
        Assert.Contains("gateway.mail.domain differs from node node-", said);
        Assert.Contains($"gateway.modules.{d.Modules[0].Name}.number: {a.Modules[0].Number} is also the number of module {a.Modules[0].Name} on node node-a", said);
        Assert.Contains("leaving the cluster", said);
        Assert.Contains("configuration incompatible with the cluster (exit code 4)", said);

        // The others carry on: d was removed and the three are still up.
        await a.WaitForLogAsync($"cluster member removed: akka.tcp://gateway@127.0.0.1:{d.ClusterPort}", mark);
        Assert.All(new[] { a, b, c }, n => Assert.True(n.IsRunning, $"{n.Name} stopped"));
        Assert.Contains("members up: 3", a.Output[mark..]);

        // During a rolling change of users, allow-drift lets a node with the new list stay (with a warning);
        // the same difference without it is refused as before.
        d.WriteConfig($$"""
            gateway.users.newcomer { password-hash = "{{Gateway.Accounts.PasswordHasher.Hash("x", Gateway.Accounts.PasswordHasher.MinIterations)}}" }
            gateway.cluster.allow-drift = on
            """);
        mark = a.Mark;
        await d.StartAsync();
        await a.WaitForLogAsync("members up: 4", mark);
        Assert.Contains("staying although (cluster.allow-drift = on): gateway.users differs from node node-", d.Output);
        Assert.True(d.IsRunning);
    }

    [PostgresFact]
    public async Task SIGTERM_is_a_graceful_leave_with_exit_code_0_the_others_serve_its_users_and_the_node_rejoins()
    {
        await using var cluster = await GatewayCluster.CreateAsync(postgres, output, nodes: 3, modemsPerNode: 1, users: 4);
        await cluster.StartAllAsync();
        var (a, c) = (cluster["node-a"], cluster["node-c"]);

        var mark = a.Mark;
        Assert.Equal(0, await c.TerminateAsync());
        Assert.Contains("leaving", c.Output, StringComparison.OrdinalIgnoreCase);
        // A leave is not a failure: the member is removed without ever being unreachable or downed.
        await a.WaitForLogAsync($"cluster member removed: akka.tcp://gateway@127.0.0.1:{c.ClusterPort}", mark);
        Assert.DoesNotContain("unreachable", a.Output[mark..]);

        // Every user's mailbox answers on the node that stayed (the leaver's shards were handed over).
        foreach (var user in cluster.Users)
        {
            using var pop3 = new Pop3Client { Timeout = 15_000 };
            await pop3.ConnectAsync("127.0.0.1", a.Pop3Port, SecureSocketOptions.None);
            await pop3.AuthenticateAsync(user, GatewayCluster.Password);
            Assert.Equal(0, pop3.Count);
            await pop3.DisconnectAsync(true);
        }

        mark = a.Mark;
        await c.StartAsync();
        await a.WaitForLogAsync("members up: 3", mark);
        Assert.Contains("configuration matches the cluster's", c.Output);
    }

    [PostgresFact]
    public async Task A_node_frozen_past_the_failure_detector_is_downed_by_the_majority_and_its_process_exits_with_code_3()
    {
        await using var cluster = await GatewayCluster.CreateAsync(postgres, output, nodes: 3, modemsPerNode: 1, users: 2);
        await cluster.StartAllAsync();
        var (a, c) = (cluster["node-a"], cluster["node-c"]);

        // SIGSTOP: the process is alive but silent, as in a long pause or a cut cable.
        var mark = a.Mark;
        c.Process.Signal(19);
        await a.WaitForLogAsync($"cluster member unreachable: akka.tcp://gateway@127.0.0.1:{c.ClusterPort}", mark);
        await a.WaitForLogAsync($"cluster member removed: akka.tcp://gateway@127.0.0.1:{c.ClusterPort}", mark);
        c.Process.Signal(18);

        // Woken, it learns it was downed, stops, and says so with its exit code (a supervisor restarts it).
        Assert.Equal(3, await c.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("node stopped: downed by the cluster", c.Process.Stderr);
        Assert.Contains("(exit code 3)", c.Process.Stderr);
        Assert.True(a.IsRunning && cluster["node-b"].IsRunning, "the majority must stay up");
    }
}

using Gateway.Clustering;
using Gateway.Configuration;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Clustering;

/// <summary>The example cluster in hocon/ (cluster.conf and a file per node) is valid and its nodes fit together.</summary>
public class ClusterConfigFilesTests
{

    [Theory]
    [InlineData("node-a")]
    [InlineData("node-b")]
    [InlineData("node-c")]
    public async Task check_config_passes_on_each_example_node_file(string node)
    {
        var (code, stdout, stderr) = await HostProcess.RunAsync(["check-config", "--config", TestEnvironment.RepoFile($"hocon/{node}.conf")]);
        Assert.True(code == 0, stderr);
        Assert.Contains($"valid. node {node}: 1 user(s)", stdout);
        Assert.Contains("storage postgresql", stdout);
    }

    [Fact]
    public void The_example_nodes_fit_together_each_with_its_own_ports_and_modules()
    {
        var nodes = new[] { "node-a", "node-b", "node-c" }
            .Select(n => HoconFile.LoadSettings(TestEnvironment.RepoFile($"hocon/{n}.conf")).Settings!)
            .ToArray();
        var prints = nodes.Select(NodeFingerprint.Of).ToArray();
        for (var i = 0; i < prints.Length; i++)
            for (var j = 0; j < prints.Length; j++)
                if (i != j) Assert.Empty(NodeFingerprint.Problems(prints[i], prints[j]));
        Assert.Equal(3, nodes.Select(n => n.Cluster.Port).Distinct().Count());
        Assert.Equal(3, nodes.SelectMany(n => n.Mail.SmtpListen).Select(l => l.Port).Distinct().Count());
        Assert.All(nodes, n => Assert.NotEmpty(n.LocalModules));
        Assert.All(nodes, n => Assert.Contains($"127.0.0.1:{n.Cluster.Port}", n.Cluster.SeedNodes.Concat(["127.0.0.1:4055"])));
    }
}

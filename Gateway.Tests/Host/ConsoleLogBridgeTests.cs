using Gateway.Host.Hosting;
using Xunit;

namespace Gateway.Tests.Host;

public class ConsoleLogBridgeTests
{
    [Theory]
    [InlineData("akka.tcp://gateway@127.0.0.1:4053/user/modem-bank/gsm-1", "modem-bank/gsm-1")]
    [InlineData("akka.tcp://gateway@127.0.0.1:4053/system/sharding/mailboxCoordinator", "sharding/mailboxCoordinator")]
    [InlineData("Cluster (akka://gateway)", "Cluster")]
    [InlineData("Gateway.Smtp", "Gateway.Smtp")]
    public void Log_lines_name_their_source_by_its_short_path(string source, string category) =>
        Assert.Equal(category, ConsoleLogBridge.ShortName(source));
}

using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Host;

public class CheckConfigVerbTests
{
    [Fact]
    public async Task check_config_names_every_bad_key_and_exits_with_failure()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("gw-cc-").FullName, "bad.conf");
        await File.WriteAllTextAsync(file, "gateway { sms.max-parts = 0\n sms.alow-unicode = on }");
        var (code, _, stderr) = await HostProcess.RunAsync(["check-config", "--config", file]);
        Assert.Equal(1, code);
        Assert.Contains("gateway.sms.max-parts: must be between 1 and 255", stderr);
        Assert.Contains("gateway.sms.alow-unicode: unknown key", stderr);
    }

    [Fact]
    public async Task The_host_refuses_to_run_on_an_invalid_file_and_says_why()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("gw-cc-").FullName, "bad.conf");
        await File.WriteAllTextAsync(file, "gateway { storage.provider = oracle }");
        var (code, _, stderr) = await HostProcess.RunAsync(["run", "--config", file]);
        Assert.Equal(1, code);
        Assert.Contains("gateway.storage.provider", stderr);
        Assert.Contains("refusing to start", stderr);
    }

    [Fact]
    public async Task An_unknown_verb_or_argument_is_a_usage_error()
    {
        var (code, _, stderr) = await HostProcess.RunAsync(["frobnicate"]);
        Assert.Equal(2, code);
        Assert.Contains("unknown verb", stderr);
        (code, _, stderr) = await HostProcess.RunAsync(["check-config", "--confg", "x"]);
        Assert.Equal(2, code);
        Assert.Contains("unknown argument", stderr);
    }
}

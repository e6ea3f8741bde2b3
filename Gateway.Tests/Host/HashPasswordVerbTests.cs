using Gateway.Accounts;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Host;

public class HashPasswordVerbTests
{
    [Fact]
    public async Task hash_password_reads_stdin_and_prints_a_hash_that_verifies()
    {
        var (code, stdout, _) = await HostProcess.RunAsync(["hash-password", "--iterations", "2000"], stdin: "s3cret pass\n");
        Assert.Equal(0, code);
        var hash = stdout.Trim();
        Assert.StartsWith("$pbkdf2-sha256$i=2000$", hash);
        Assert.True(PasswordHasher.Verify("s3cret pass", hash));
    }

    [Fact]
    public async Task hash_password_without_input_fails()
    {
        var (code, _, stderr) = await HostProcess.RunAsync(["hash-password"], stdin: "");
        Assert.Equal(1, code);
        Assert.Contains("no password", stderr);
    }
}

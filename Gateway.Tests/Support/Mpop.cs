using Gateway.Tests.Modem.Virtual;
using Xunit;

namespace Gateway.Tests.Support;

/// <summary>
/// mpop (a real POP3 client) set up for one account in its own temp folder: plain POP3 with
/// USER/PASS on loopback, messages deleted on the server once downloaded, appended to an mbox file.
/// </summary>
public sealed class Mpop
{
    private readonly string _config;
    private readonly string _mbox;

    public Mpop(int port, string user, string password)
    {
        var dir = Directory.CreateTempSubdirectory("gw-mpop-").FullName;
        _mbox = Path.Combine(dir, "mbox");
        _config = Path.Combine(dir, "mpoprc");
        File.WriteAllText(_config, $"""
            account default
            host 127.0.0.1
            port {port}
            user {user}
            password {password}
            auth user
            tls off
            keep off
            delivery mbox {_mbox}
            uidls_file {Path.Combine(dir, "uidls")}
            """);
        File.SetUnixFileMode(_config, UnixFileMode.UserRead | UnixFileMode.UserWrite); // mpop refuses a readable password file
    }

    /// <summary>Runs mpop once (it must succeed) and returns everything the mbox holds so far.</summary>
    public async Task<string> FetchAsync()
    {
        var (code, stdout, stderr) = await Tool.RunAsync("mpop", ["-C", _config, "-q"]);
        Assert.True(code == 0, stdout + stderr);
        return File.Exists(_mbox) ? await File.ReadAllTextAsync(_mbox) : "";
    }
}

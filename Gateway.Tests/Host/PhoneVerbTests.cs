using System.Text.Json;
using Gateway.Tests.Modem.Virtual;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Host;

/// <summary>The phone verb against a modemsim's control line: what it sends, and what it says when it cannot.</summary>
public sealed class PhoneVerbTests
{
    [Fact]
    public async Task A_text_with_line_breaks_and_backslashes_goes_as_one_SMS_not_as_extra_control_commands()
    {
        await using var sim = await ModemSim.StartAsync("--modems", "1", "--port", "0", "--control-port", "0");
        var control = $"127.0.0.1:{sim.Control!.Port}";
        // 140 + 6 + 140 + 4 characters: two parts as one message; cut at the line breaks, the first SEND
        // would carry 140 characters in one part and QUIT would end the connection.
        var text = new string('a', 140) + "\nQUIT\n" + new string('b', 140) + " \\n\r";
        var sent = await HostProcess.RunAsync(["phone", "send", "+420777000001", sim.Modems[0].Number, text, "--control", control]);
        Assert.True(sent.ExitCode == 0, sent.Stdout + sent.Stderr);
        Assert.Contains($"+420777000001 → {sim.Modems[0].Number}: sent 2 part(s)", sent.Stdout);

        await using var check = await ControlClient.ConnectAsync(sim.Control);
        var modem = JsonDocument.Parse((await check.CommandAsync($"STATUS {sim.Modems[0].Number}")).Reply[3..]).RootElement;
        Assert.Equal(2, modem.GetProperty("received").GetInt32()); // the two parts of the one message, nothing more
    }

    [Fact]
    public async Task Without_a_control_line_or_anything_to_reply_to_the_verb_says_why_and_fails()
    {
        var nobody = await HostProcess.RunAsync(["phone", "inbox", "+420777000001", "--control", $"127.0.0.1:{TestEnvironment.FreePort()}"]);
        Assert.Equal(1, nobody.ExitCode);
        Assert.Contains("no control line at 127.0.0.1:", nobody.Stderr);

        await using var sim = await ModemSim.StartAsync("--modems", "1", "--port", "0", "--control-port", "0");
        var control = $"127.0.0.1:{sim.Control!.Port}";
        var nothing = await HostProcess.RunAsync(["phone", "reply", "+420777000009", "hello", "--control", control]);
        Assert.Equal(1, nothing.ExitCode);
        Assert.Contains("has received no SMS, so there is nothing to reply to", nothing.Stderr);
        var badSim = await HostProcess.RunAsync(["phone", "send", "+420777000009", "+420111", "hello", "--control", control]);
        Assert.Equal(1, badSim.ExitCode);
        Assert.Contains("phone: ERR", badSim.Stderr);
    }

    [Theory]
    [InlineData(new[] { "phone" }, "say send, reply or inbox")]
    [InlineData(new[] { "phone", "dial", "+420777000001" }, "unknown phone command \"dial\"")]
    [InlineData(new[] { "phone", "send", "+420777000001", "--control", "127.0.0.1:7199" }, "wrong number of arguments")]
    [InlineData(new[] { "phone", "inbox", "+420777000001", "--control", "localhost" }, "--control wants HOST:PORT")]
    public async Task A_command_line_mistake_exits_2_and_says_what_is_wrong(string[] args, string problem)
    {
        var result = await HostProcess.RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(problem, result.Stderr);
    }
}

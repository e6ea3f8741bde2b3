using Gateway.Mail.Pop3;
using Xunit;

namespace Gateway.Tests.Mail.Pop3;

public class Pop3CommandParserTests
{
    private static Pop3Command Parse(string line)
    {
        Assert.True(Pop3CommandParser.TryParse(line, out var command, out var error), error?.Reply);
        return command;
    }

    private static string Refuse(string line)
    {
        Assert.False(Pop3CommandParser.TryParse(line, out _, out var error));
        return error.Reply;
    }

    [Theory]
    [InlineData("STAT", Pop3Verb.Stat)]
    [InlineData("stat", Pop3Verb.Stat)]
    [InlineData("Noop", Pop3Verb.Noop)]
    [InlineData("RSET", Pop3Verb.Rset)]
    [InlineData("QUIT", Pop3Verb.Quit)]
    [InlineData("CAPA", Pop3Verb.Capa)]
    [InlineData("STLS", Pop3Verb.Stls)]
    [InlineData("LIST", Pop3Verb.List)]
    [InlineData("UIDL", Pop3Verb.Uidl)]
    public void Commands_without_arguments_are_recognised_in_any_case(string line, Pop3Verb verb) =>
        Assert.Equal(new Pop3Command(verb), Parse(line));

    [Fact]
    public void Message_numbers_and_TOP_line_counts_are_read()
    {
        Assert.Equal(new Pop3Command(Pop3Verb.Retr, Message: 12), Parse("RETR 12"));
        Assert.Equal(new Pop3Command(Pop3Verb.Dele, Message: 1), Parse("dele 1"));
        Assert.Equal(new Pop3Command(Pop3Verb.List, Message: 3), Parse("LIST 3"));
        Assert.Equal(new Pop3Command(Pop3Verb.Uidl, Message: 4), Parse("UIDL  4"));
        Assert.Equal(new Pop3Command(Pop3Verb.Top, Message: 2, Lines: 0), Parse("TOP 2 0"));
        Assert.Equal(new Pop3Command(Pop3Verb.Retr, Message: int.MaxValue), Parse("RETR 99999999999999"));
    }

    [Fact]
    public void A_password_is_everything_after_PASS_spaces_included()
    {
        Assert.Equal("my secret  pass", Parse("PASS my secret  pass").Text);
        Assert.Equal("PASS ***", Parse("PASS hunter2").ToString());
    }

    [Fact]
    public void AUTH_takes_a_mechanism_and_an_optional_initial_response()
    {
        Assert.Equal(new Pop3Command(Pop3Verb.Auth, Text: "PLAIN"), Parse("AUTH plain"));
        Assert.Equal(new Pop3Command(Pop3Verb.Auth, Text: "PLAIN", InitialResponse: "AGFsaWNlAHB3"), Parse("AUTH PLAIN AGFsaWNlAHB3"));
        Assert.Equal(new Pop3Command(Pop3Verb.Auth), Parse("AUTH"));
        Assert.DoesNotContain("AGFsaWNlAHB3", Parse("AUTH PLAIN AGFsaWNlAHB3").ToString());
    }

    [Theory]
    [InlineData("", "empty command")]
    [InlineData("APOP alice 1234", "unknown command")]
    [InlineData("XYZZY", "unknown command")]
    [InlineData("RETRR 1", "unknown command")]
    [InlineData("RETR", "RETR needs one message number")]
    [InlineData("RETR 0", "invalid message number")]
    [InlineData("RETR -1", "invalid message number")]
    [InlineData("RETR one", "invalid message number")]
    [InlineData("RETR 1 2", "RETR needs one message number")]
    [InlineData("TOP 1", "TOP needs a message number and a line count")]
    [InlineData("TOP 1 -5", "invalid line count")]
    [InlineData("STAT now", "STAT takes no arguments")]
    [InlineData("LIST 1 2", "LIST takes at most one message number")]
    [InlineData("USER", "USER needs one name")]
    [InlineData("PASS", "PASS needs a password")]
    [InlineData("PASS ", "PASS needs a password")]
    [InlineData("USER aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "argument too long")]
    public void Malformed_commands_are_refused_with_a_reason(string line, string reply) =>
        Assert.Equal(reply, Refuse(line));

    [Theory]
    [InlineData("STAT\0")]
    [InlineData("\u0001\u0002\u0003")]
    [InlineData("RETR 1\u00ff")]
    [InlineData("USER al\u001bice")]
    public void Control_and_binary_bytes_make_a_line_unknown(string line) =>
        Assert.StartsWith("unknown command", Refuse(line));
}

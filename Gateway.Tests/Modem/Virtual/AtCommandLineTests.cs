using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Modem.Virtual;
using Xunit;
using K = Gateway.Modem.Virtual.AtCommandKind;

namespace Gateway.Tests.Modem.Virtual;

/// <summary>The pure parts of the modem's input: command line parsing and byte framing.</summary>
public class AtCommandLineTests
{
    private static AtCommand[] Parse(string line)
    {
        Assert.True(AtCommandLine.TryParse(line, out var commands, out var error), error);
        return [.. commands];
    }

    [Fact]
    public void Extended_commands_chain_with_semicolons_in_their_four_forms()
    {
        Assert.Equal(
            [new AtCommand("+CMEE", K.Set, "1"), new AtCommand("+CREG", K.Set, "2"), new AtCommand("+CREG", K.Read), new AtCommand("+CSQ", K.Execute), new AtCommand("+CPMS", K.Test)],
            Parse("AT+CMEE=1;+CREG=2;+creg?;+CSQ;+CPMS=?"));
    }

    [Fact]
    public void Basic_commands_run_together_and_may_be_followed_by_an_extended_one()
    {
        Assert.Equal(
            [new AtCommand("E", K.Set, "0"), new AtCommand("V", K.Set, "1"), new AtCommand("&F", K.Execute), new AtCommand("Z", K.Execute), new AtCommand("+CMGF", K.Set, "0")],
            Parse("ATE0V1&FZ+CMGF=0"));
        Assert.Equal([new AtCommand("S7", K.Set, "60"), new AtCommand("S3", K.Read)], Parse("ATS7=60S3?"));
        Assert.Empty(Parse("AT"));
        Assert.Empty(Parse("at"));
    }

    [Fact]
    public void Quoted_strings_keep_their_spaces_semicolons_and_commas()
    {
        var command = Assert.Single(Parse("AT + CPMS = \"S M;\",\"a,b\""));
        Assert.Equal("+CPMS", command.Name);
        Assert.Equal(["\"S M;\"", "\"a,b\""], command.Args.ToArray());
        Assert.Equal("S M;", AtArguments.Unquote(command.Args[0]));
    }

    [Theory]
    [InlineData("AT+")]
    [InlineData("AT+CSCA=\"unterminated")]
    [InlineData("AT&")]
    [InlineData("AT+CMGF?X")]
    [InlineData("AT=1")]
    [InlineData("XY")]
    public void Malformed_lines_are_refused_with_a_reason(string line)
    {
        Assert.False(AtCommandLine.TryParse(line, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void A_dial_command_takes_the_rest_of_the_line()
    {
        Assert.Equal([new AtCommand("D", K.Set, "+420777123456;")], Parse("ATD+420777123456;"));
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public void The_parser_never_throws_whatever_the_line(NonNull<string> text)
    {
        AtCommandLine.TryParse("AT" + text.Get, out _, out _);
        AtCommandLine.TryParse(text.Get, out _, out _);
    }

    [Fact]
    public void The_framer_ends_lines_on_CR_ignores_LF_and_honours_backspace()
    {
        var framer = new LineFramer();
        var lines = Feed(framer, "AT\nE0\r\nAT+CGMI\rATXY\b\bZ\r");
        Assert.Equal(["ATE0", "AT+CGMI", "ATZ"], lines.OfType<FramedInput.Line>().Select(l => l.Text));
        Assert.True(framer.IsIdle);
    }

    [Fact]
    public void The_framer_drops_an_over_long_line_and_reports_it_once_at_its_CR()
    {
        var framer = new LineFramer(maxLineLength: 10);
        var events = Feed(framer, "AT+" + new string('X', 100) + "\rAT\r");
        Assert.Equal(2, events.Count);
        Assert.IsType<FramedInput.Overflow>(events[0]);
        Assert.Equal(new FramedInput.Line("AT"), events[1]);
    }

    [Fact]
    public void After_the_prompt_the_framer_collects_a_PDU_until_CtrlZ_or_ESC()
    {
        var framer = new LineFramer(maxPduLength: 8);
        framer.BeginPduEntry();
        Assert.Equal([new FramedInput.Pdu("0011AB")], Feed(framer, "0011\r\nAB\u001A"));
        Assert.False(framer.InPduEntry);

        framer.BeginPduEntry();
        Assert.IsType<FramedInput.PduCancelled>(Assert.Single(Feed(framer, "00\u001B")));

        framer.BeginPduEntry();
        Assert.Equal([new FramedInput.Pdu(null)], Feed(framer, "0123456789ABCDEF\u001A")); // longer than allowed
        Assert.True(framer.IsIdle);
    }

    [Fact]
    public void A_slash_repeats_without_waiting_for_CR()
    {
        Assert.IsType<FramedInput.Repeat>(Assert.Single(Feed(new LineFramer(), "a/")));
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public void The_framer_never_holds_more_than_its_limits_whatever_arrives(byte[] noise, bool pduEntry)
    {
        var framer = new LineFramer(maxLineLength: 16, maxPduLength: 16);
        if (pduEntry) framer.BeginPduEntry();
        foreach (var b in noise)
        {
            switch (framer.Feed(b, out _))
            {
                case FramedInput.Line line:
                    Assert.True(line.Text.Length <= 16);
                    break;
                case FramedInput.Pdu { Hex: { } hex }:
                    Assert.True(hex.Length <= 16);
                    break;
            }
        }
    }

    private static List<FramedInput> Feed(LineFramer framer, string text)
    {
        var result = new List<FramedInput>();
        foreach (var b in Encoding.Latin1.GetBytes(text))
            if (framer.Feed(b, out _) is { } e) result.Add(e);
        return result;
    }
}

using System.Text;
using FsCheck.Xunit;
using Gateway.Modem.At;
using Xunit;

namespace Gateway.Tests.Modem.At;

public class LineFramerTests
{
    private static IReadOnlyList<FramedLine> Frame(string wire, int max = LineFramer.DefaultMaxLineLength) =>
        new LineFramer(max).Feed(Encoding.Latin1.GetBytes(wire));

    [Fact]
    public void Lines_end_on_CR_LF_or_either_alone_and_empty_lines_are_skipped()
    {
        var frames = Frame("\r\nOK\r\n+CSQ: 20,99\rERROR\n\r\n\r\n");
        Assert.Equal(["OK", "+CSQ: 20,99", "ERROR"], frames.Select(f => f.Text));
        Assert.All(frames, f => Assert.Equal(FrameKind.Line, f.Kind));
    }

    [Fact]
    public void The_send_prompt_is_a_frame_of_its_own_though_no_terminator_follows_it()
    {
        var frames = Frame("\r\n> ");
        Assert.Equal([FramedLine.Prompt], frames);
    }

    [Fact]
    public void The_space_after_the_prompt_is_dropped_and_what_follows_is_a_new_line()
    {
        var frames = Frame("\r\n> \r\n+CMGS: 7\r\n\r\nOK\r\n");
        Assert.Equal([FramedLine.Prompt, FramedLine.Of("+CMGS: 7"), FramedLine.Of("OK")], frames);
    }

    [Fact]
    public void A_greater_than_sign_inside_a_line_is_text()
    {
        Assert.Equal(["a>b"], Frame("a>b\r\n").Select(f => f.Text));
    }

    [Fact]
    public void A_partial_line_waits_for_its_terminator()
    {
        var framer = new LineFramer();
        Assert.Empty(framer.Feed("+CMTI: \"SM\""u8));
        Assert.Equal(11, framer.Pending);
        Assert.Equal(["+CMTI: \"SM\",3"], framer.Feed(",3\r\n"u8).Select(f => f.Text));
    }

    [Fact]
    public void An_over_long_line_is_reported_once_with_its_head_and_the_rest_is_dropped_up_to_the_next_terminator()
    {
        var garbage = new string('x', 5000);
        var frames = Frame($"{garbage}\r\nOK\r\n", max: 100);
        Assert.Equal(2, frames.Count);
        Assert.Equal(FrameKind.TooLong, frames[0].Kind);
        Assert.Equal(new string('x', 64), frames[0].Text);
        Assert.Equal(FramedLine.Of("OK"), frames[1]);
    }

    [Fact]
    public void A_line_of_exactly_the_limit_is_kept()
    {
        var line = new string('A', 100);
        Assert.Equal([FramedLine.Of(line)], Frame(line + "\r", max: 100));
    }

    [Fact]
    public void Garbage_bytes_arrive_as_visible_Latin1_characters()
    {
        var frames = new LineFramer().Feed([0xFF, 0x00, 0x81, (byte)'\r']);
        Assert.Equal("\u00FF\u0000\u0081", frames.Single().Text);
    }

    [Property(MaxTest = 300)]
    public bool Feeding_bytes_in_any_chunks_gives_the_same_frames_as_feeding_them_at_once(byte[] bytes, int[] cuts)
    {
        var whole = new LineFramer(64).Feed(bytes);
        var framer = new LineFramer(64);
        var chunked = new List<FramedLine>();
        var positions = cuts.Select(c => (int)((uint)c % (uint)(bytes.Length + 1))).Append(0).Append(bytes.Length).Distinct().Order().ToArray();
        for (var i = 0; i + 1 < positions.Length; i++)
            framer.Feed(bytes.AsSpan(positions[i], positions[i + 1] - positions[i]), chunked);
        return whole.SequenceEqual(chunked);
    }

    [Property(MaxTest = 300)]
    public bool No_frame_is_empty_longer_than_the_limit_or_holds_a_line_terminator(byte[] bytes)
    {
        return new LineFramer(32).Feed(bytes).All(f =>
            f.Text.Length is > 0 and <= 32 && !f.Text.Contains('\r') && !f.Text.Contains('\n'));
    }
}

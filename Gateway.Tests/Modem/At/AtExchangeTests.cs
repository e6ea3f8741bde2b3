using FsCheck.Xunit;
using Gateway.Modem.At;
using Xunit;

namespace Gateway.Tests.Modem.At;

public class AtExchangeTests
{
    /// <summary>Feeds lines and returns the final exchange and every event.</summary>
    private static (AtExchange Exchange, List<AtEvent> Events) Run(AtExchange exchange, params string[] lines)
    {
        var events = new List<AtEvent>();
        foreach (var line in lines)
        {
            var frame = line == "> " ? FramedLine.Prompt : FramedLine.Of(line);
            (exchange, var ev) = exchange.Feed(frame);
            events.Add(ev);
        }
        return (exchange, events);
    }

    [Fact]
    public void A_command_completes_with_its_information_lines_and_final_result()
    {
        var (ex, events) = Run(AtExchange.Idle.Start(AtCommand.Of("AT+CSQ")), "+CSQ: 20,99", "OK");
        var done = Assert.IsType<AtEvent.Completed>(events[^1]);
        Assert.True(done.Result.IsOk);
        Assert.Equal(["+CSQ: 20,99"], done.Result.Lines.ToArray());
        Assert.Equal("20,99", done.Result.Value("+CSQ:"));
        Assert.False(ex.IsBusy);
    }

    [Fact]
    public void The_echo_of_the_command_is_not_part_of_its_reply()
    {
        var (_, events) = Run(AtExchange.Idle.Start(new AtCommand("ATE0", null)), "ATE0", "OK");
        Assert.Equal("echo", Assert.IsType<AtEvent.Ignored>(events[0]).Why);
        Assert.Empty(Assert.IsType<AtEvent.Completed>(events[1]).Result.Lines.ToArray());
    }

    [Fact]
    public void A_lone_CREG_is_a_registration_change_but_the_answer_to_AT_CREG_query_is_the_commands_reply()
    {
        var (_, idle) = Run(AtExchange.Idle, "+CREG: 5");
        var change = Assert.IsType<RegistrationChanged>(Assert.IsType<AtEvent.UnsolicitedReceived>(idle[0]).Code);
        Assert.Equal(RegistrationStatus.Roaming, change.Registration.Status);

        var (_, busy) = Run(AtExchange.Idle.Start(AtCommand.Of("AT+CREG?")), "+CREG: 1,1", "OK");
        Assert.IsType<AtEvent.Collected>(busy[0]);
        Assert.Equal(["+CREG: 1,1"], Assert.IsType<AtEvent.Completed>(busy[1]).Result.Lines.ToArray());
    }

    [Fact]
    public void Unsolicited_codes_in_the_middle_of_a_reply_are_reported_and_kept_out_of_it()
    {
        var (_, events) = Run(AtExchange.Idle.Start(AtCommand.Of("AT+CMGL=4")),
            "+CMGL: 1,0,,23", "0791AA", "+CMTI: \"SM\",2", "RING", "OK");
        Assert.Equal(new MessageStored("SM", 2), Assert.IsType<AtEvent.UnsolicitedReceived>(events[2]).Code);
        Assert.IsType<Ring>(Assert.IsType<AtEvent.UnsolicitedReceived>(events[3]).Code);
        Assert.Equal(["+CMGL: 1,0,,23", "0791AA"], Assert.IsType<AtEvent.Completed>(events[4]).Result.Lines.ToArray());
    }

    [Fact]
    public void A_CMT_header_and_its_PDU_line_are_one_unsolicited_code_even_inside_a_reply()
    {
        var (_, events) = Run(AtExchange.Idle.Start(AtCommand.Of("AT+CSQ")), "+CMT: ,24", "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07", "+CSQ: 9,0", "OK");
        Assert.IsType<AtEvent.Ignored>(events[0]);
        var delivered = Assert.IsType<MessageDelivered>(Assert.IsType<AtEvent.UnsolicitedReceived>(events[1]).Code);
        Assert.Equal(24, delivered.AnnouncedLength);
        Assert.Equal(["+CSQ: 9,0"], Assert.IsType<AtEvent.Completed>(events[3]).Result.Lines.ToArray());
    }

    [Fact]
    public void A_CDS_status_report_routed_to_us_is_recognised_while_idle()
    {
        var (_, events) = Run(AtExchange.Idle, "+CDS: 25", "0006D60B911326880736F4111011719551401110117195714000");
        var report = Assert.IsType<StatusReportDelivered>(Assert.IsType<AtEvent.UnsolicitedReceived>(events[1]).Code);
        Assert.Equal(25, report.AnnouncedLength);
    }

    [Fact]
    public void A_two_line_header_without_its_PDU_is_dropped_and_the_next_line_read_afresh()
    {
        var (ex, events) = Run(AtExchange.Idle.Start(AtCommand.Of("AT")), "+CMT: ,24", "OK");
        Assert.IsType<AtEvent.Completed>(events[1]);
        Assert.Null(ex.PendingTwoLineHeader);
    }

    [Fact]
    public void The_prompt_is_reported_only_for_a_command_that_waits_for_one()
    {
        var (_, send) = Run(AtExchange.Idle.Start(AtCommand.SendPdu(13, "0011000B916407281553F80000AA0AE8329BFD4697D9EC37")), "> ");
        Assert.IsType<AtEvent.PromptReceived>(send[0]);
        var (_, other) = Run(AtExchange.Idle.Start(AtCommand.Of("AT+CSQ")), "> ");
        Assert.IsType<AtEvent.Ignored>(other[0]);
    }

    [Fact]
    public void The_echoed_PDU_after_the_prompt_is_not_part_of_the_reply()
    {
        const string pdu = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37";
        var (_, events) = Run(AtExchange.Idle.Start(AtCommand.SendPdu(23, pdu)), "AT+CMGS=23", "> ", pdu + "\x1A", "+CMGS: 5", "OK");
        Assert.Equal("echo", Assert.IsType<AtEvent.Ignored>(events[2]).Why);
        var done = Assert.IsType<AtEvent.Completed>(events[4]);
        Assert.Equal(["+CMGS: 5"], done.Result.Lines.ToArray());
    }

    [Theory]
    [InlineData("+CMS ERROR: 331", FinalResultKind.CmsError, 331)]
    [InlineData("+CME ERROR: 10", FinalResultKind.CmeError, 10)]
    [InlineData("+CME ERROR: SIM not inserted", FinalResultKind.CmeError, null)]
    [InlineData("ERROR", FinalResultKind.Error, null)]
    [InlineData("NO CARRIER", FinalResultKind.NoCarrier, null)]
    public void Every_kind_of_final_result_ends_the_command(string line, FinalResultKind kind, int? code)
    {
        var (ex, events) = Run(AtExchange.Idle.Start(AtCommand.Of("AT+CMGS=20")), line);
        var final = Assert.IsType<AtEvent.Completed>(events[0]).Result.Final;
        Assert.Equal(kind, final.Kind);
        Assert.Equal(code, final.Code);
        Assert.False(ex.IsBusy);
    }

    [Fact]
    public void A_result_with_no_command_in_flight_is_ignored_with_a_reason()
    {
        var (_, events) = Run(AtExchange.Idle, "OK", "Call Ready");
        Assert.Equal("result with no command in flight", Assert.IsType<AtEvent.Ignored>(events[0]).Why);
        Assert.IsType<AtEvent.Ignored>(events[1]);
    }

    [Fact]
    public void After_a_command_is_abandoned_its_late_answer_is_a_stray_line()
    {
        var ex = AtExchange.Idle.Start(AtCommand.Of("AT+CSQ")).Abandon();
        var (_, events) = Run(ex, "+CSQ: 1,1", "OK");
        Assert.All(events, e => Assert.IsType<AtEvent.Ignored>(e));
    }

    [Fact]
    public void Only_one_command_can_be_in_flight()
    {
        Assert.Throws<InvalidOperationException>(() => AtExchange.Idle.Start(AtCommand.Of("AT")).Start(AtCommand.Of("AT")));
    }

    [Fact]
    public void An_over_long_line_is_ignored_and_the_command_still_completes()
    {
        var ex = AtExchange.Idle.Start(AtCommand.Of("ATI"));
        (ex, var ev) = ex.Feed(new FramedLine(FrameKind.TooLong, "xxxx"));
        Assert.Equal("line too long", Assert.IsType<AtEvent.Ignored>(ev).Why);
        (_, ev) = ex.Feed(FramedLine.Of("OK"));
        Assert.IsType<AtEvent.Completed>(ev);
    }

    [Fact]
    public void A_reply_keeps_at_most_the_line_limit_and_still_completes()
    {
        var ex = AtExchange.Idle.Start(AtCommand.Of("AT+CMGL=4"));
        AtEvent ev;
        for (var i = 0; i < AtExchange.MaxReplyLines + 50; i++) (ex, _) = ex.Feed(FramedLine.Of($"line {i}"));
        (_, ev) = ex.Feed(FramedLine.Of("OK"));
        var lines = Assert.IsType<AtEvent.Completed>(ev).Result.Lines;
        Assert.Equal(AtExchange.MaxReplyLines, lines.Length);
        Assert.Equal("line 0", lines[0]);
    }

    [Property(MaxTest = 500)]
    public bool Any_modem_output_is_classified_without_throwing_and_a_final_OK_always_leaves_the_exchange_idle(string[] lines, bool prompts)
    {
        var ex = AtExchange.Idle.Start(prompts ? AtCommand.SendPdu(20, "00AA") : AtCommand.Of("AT+CMGL=4"));
        foreach (var line in lines)
        {
            if (string.IsNullOrEmpty(line)) continue;
            (ex, _) = ex.Feed(line.StartsWith('>') ? FramedLine.Prompt : FramedLine.Of(line.Replace("\r", "").Replace("\n", "")));
        }
        (ex, _) = ex.Feed(FramedLine.Of("OK"));
        return !ex.IsBusy;
    }
}

using System.Text.RegularExpressions;
using Gateway.Modem.Virtual;
using Gateway.Sms;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static Gateway.Tests.Modem.Virtual.TestNetwork;

namespace Gateway.Tests.Modem.Virtual;

/// <summary>
/// SMS carried by the virtual network between modems (driven over their AT lines with real
/// PDUs from the codec) and virtual phones: storage, indications, status reports, send faults.
/// </summary>
public partial class SmsThroughTheNetworkTests
{
    /// <summary>The PDUs a driver would send for <paramref name="text"/>, as AT+CMGS takes them.</summary>
    internal static IReadOnlyList<(int Length, string Hex)> SubmitPdus(string text, string to, bool statusReport = false, byte reference = 7)
    {
        Assert.True(TextPlanner.TryPlan(text, new SmsEncodingOptions(), out var plan, out var error), error?.Message);
        return TextPlanner.ToSubmits(plan!, new SmsAddress(AddressType.International, to), reference, statusReport, null)
            .Select(s => Pdu.Encode(s))
            .Select(pdu => (Pdu.TpduLength(pdu), Convert.ToHexString(pdu)))
            .ToList();
    }

    /// <summary>Sends one PDU with AT+CMGS and returns the final answer (e.g. <c>\r\n+CMGS: 3\r\n\r\nOK\r\n</c>).</summary>
    internal static async Task<string> SendPduAsync(ModemLine line, (int Length, string Hex) pdu)
    {
        Assert.Equal("\r\n> ", await line.CommandAsync($"AT+CMGS={pdu.Length}"));
        await line.SendAsync(pdu.Hex + "\u001A");
        return await line.ReadFinalAsync();
    }

    internal static async Task<List<int>> SendTextAsync(ModemLine line, string text, string to, bool statusReport = false)
    {
        var references = new List<int>();
        foreach (var pdu in SubmitPdus(text, to, statusReport))
        {
            var answer = await SendPduAsync(line, pdu);
            var match = CmgsAnswer().Match(answer);
            Assert.True(match.Success, ModemLine.Show(answer));
            references.Add(int.Parse(match.Groups[1].Value));
        }
        return references;
    }

    /// <summary>The PDU of a listing or reading line pair (<c>+CMGR: 0,,24</c> then the hex).</summary>
    internal static SmsPdu DecodeListed(string answer, out int stat)
    {
        var match = Listed().Match(answer);
        Assert.True(match.Success, ModemLine.Show(answer));
        stat = int.Parse(match.Groups[1].Value);
        var pdu = Convert.FromHexString(match.Groups[3].Value);
        Assert.Equal(int.Parse(match.Groups[2].Value), Pdu.TpduLength(pdu));
        return Pdu.Decode(pdu);
    }

    [GeneratedRegex(@"\+CMGS: (\d+)\r\n\r\nOK\r\n$")]
    private static partial Regex CmgsAnswer();

    [GeneratedRegex(@"\+CMG[RL]: (?:\d+,)?(\d),,(\d+)\r\n([0-9A-F]+)\r\n")]
    private static partial Regex Listed();

    [Fact]
    public async Task A_phone_SMS_to_a_SIM_is_stored_announced_with_CMTI_and_read_with_CMGR_and_CMGL()
    {
        var network = Create();
        var modem = network.AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);

        var sent = network.Phone(Phone1).Send(Sim1, "Ahoj, přijdeš?");
        Assert.Equal(new PhoneSendResult(1, SmsCoding.Ucs2), sent);
        Assert.Equal("\r\n+CMTI: \"SM\",1\r\n", await line.ReadUntilAsync("+CMTI: \"SM\",1\r\n"));

        var deliver = Assert.IsType<SmsDeliver>(DecodeListed(await line.CommandAsync("AT+CMGR=1"), out var stat));
        Assert.Equal(0, stat); // it was unread
        Assert.Equal(Phone1, deliver.Originator.Value);
        Assert.Equal("Ahoj, přijdeš?", deliver.Text);
        Assert.Equal(VirtualNetwork.ServiceCentre, deliver.ServiceCentre);

        DecodeListed(await line.CommandAsync("AT+CMGL=4"), out stat);
        Assert.Equal(1, stat); // read now
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT+CMGL=0")); // nothing unread
        Assert.Equal("\r\n+CPMS: \"SM\",1,30,\"SM\",1,30,\"SM\",1,30\r\n\r\nOK\r\n", await line.CommandAsync("AT+CPMS?"));
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT+CMGD=1"));
        Assert.Empty(modem.StoredMessages);
    }

    [Fact]
    public async Task A_long_Unicode_SMS_from_a_SIM_reaches_the_phone_whole_with_its_coding_and_parts()
    {
        var network = Create();
        await using var line = await OpenQuietAsync(network.AddModem(Sim1));
        var text = string.Concat(Enumerable.Repeat("Příliš žluťoučký kůň úpěl ďábelské ódy. ", 4));

        var references = await SendTextAsync(line, text, Phone1);

        Assert.Equal([0, 1, 2], references); // the modem's TP-MR counter, not the PDU's
        var received = Assert.Single(await network.Phone(Phone1).WaitForInboxAsync(1, Timeout()));
        Assert.Equal(new ReceivedSms(Sim1, text, SmsCoding.Ucs2, 3, received.ReceivedAt), received);
        Assert.Equal(3, network.Modem(Sim1)!.Status().Sent);
    }

    [Fact]
    public async Task An_SMS_from_one_SIM_to_another_is_stored_on_the_second()
    {
        var network = Create();
        var second = network.AddModem(Sim2);
        await using var line = await OpenQuietAsync(network.AddModem(Sim1));
        await using var secondLine = await OpenQuietAsync(second);

        await SendTextAsync(line, "ping", Sim2);
        await secondLine.ReadUntilAsync("+CMTI: \"SM\",1\r\n");
        var deliver = Assert.IsType<SmsDeliver>(Pdu.Decode(second.StoredMessages.Single().Pdu.AsSpan()));
        Assert.Equal((Sim1, "ping", SmsCoding.Gsm7), (deliver.Originator.Value, deliver.Text, deliver.Coding));
    }

    [Fact]
    public async Task The_message_reference_counts_per_modem_and_wraps_after_255()
    {
        var network = Create();
        await using var line = await OpenQuietAsync(network.AddModem(Sim1));
        await using var other = await OpenQuietAsync(network.AddModem(Sim2));
        var pdu = SubmitPdus("x", Phone1).Single();

        for (var expected = 0; expected < 256; expected++)
            Assert.EndsWith($"+CMGS: {expected}\r\n\r\nOK\r\n", await SendPduAsync(line, pdu));
        Assert.EndsWith("+CMGS: 0\r\n\r\nOK\r\n", await SendPduAsync(line, pdu));
        Assert.EndsWith("+CMGS: 0\r\n\r\nOK\r\n", await SendPduAsync(other, pdu));
    }

    [Fact]
    public async Task AT_CMGS_answers_after_the_send_latency_of_the_network_or_the_modem()
    {
        var time = new FakeTimeProvider();
        var network = Create(time);
        network.SendLatency = TimeSpan.FromSeconds(2);
        var modem = network.AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        var pdu = SubmitPdus("hello", Phone1).Single();

        Assert.Equal("\r\n> ", await line.CommandAsync($"AT+CMGS={pdu.Length}"));
        await line.SendAsync(pdu.Hex + "\u001A");
        var answer = line.ReadFinalAsync();
        Assert.True(await FakeTime.AdvanceUntilAsync(time, answer) >= TimeSpan.FromSeconds(2));
        Assert.EndsWith("+CMGS: 0\r\n\r\nOK\r\n", await answer);

        modem.SendLatency = TimeSpan.FromSeconds(10);
        Assert.Equal("\r\n> ", await line.CommandAsync($"AT+CMGS={pdu.Length}"));
        await line.SendAsync(pdu.Hex + "\u001A");
        answer = line.ReadFinalAsync();
        Assert.True(await FakeTime.AdvanceUntilAsync(time, answer, TimeSpan.FromSeconds(1)) >= TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Sends_fail_with_the_injected_error_for_the_next_N_then_go_through()
    {
        var network = Create();
        var modem = network.AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        await line.CommandAsync("AT+CMEE=1");
        var pdu = SubmitPdus("retry me", Phone1).Single();

        modem.Faults.FailSends(AtError.Cms(500), count: 2);
        Assert.Equal("\r\n+CMS ERROR: 500\r\n", await SendPduAsync(line, pdu));
        Assert.Equal("\r\n+CMS ERROR: 500\r\n", await SendPduAsync(line, pdu));
        Assert.EndsWith("+CMGS: 0\r\n\r\nOK\r\n", await SendPduAsync(line, pdu));

        modem.Faults.FailSends(AtError.Cme(100));
        Assert.Equal("\r\n+CME ERROR: 100\r\n", await SendPduAsync(line, pdu));
        Assert.Equal("\r\n+CME ERROR: 100\r\n", await SendPduAsync(line, pdu));
        modem.Faults.Clear();
        Assert.EndsWith("+CMGS: 1\r\n\r\nOK\r\n", await SendPduAsync(line, pdu));

        Assert.Equal(2, (await network.Phone(Phone1).WaitForInboxAsync(2, Timeout())).Length);
        Assert.Equal(2, network.Phone(Phone1).PartsReceived);
    }

    [Fact]
    public async Task PDUs_the_network_cannot_take_are_refused_with_their_CMS_errors()
    {
        var network = Create();
        var modem = network.AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        await line.CommandAsync("AT+CMEE=1");

        // An SMS-DELIVER is not something a phone can submit.
        var deliver = Pdu.Encode(new SmsDeliver(new SmsAddress(AddressType.International, Phone1), DateTimeOffset.Parse("2026-01-01T00:00:00Z"),
            SmsCoding.Gsm7, MessageClass.None, "hi", [], null), "+420999999999");
        Assert.Equal("\r\n+CMS ERROR: 96\r\n", await SendPduAsync(line, (Pdu.TpduLength(deliver), Convert.ToHexString(deliver))));

        // No SMSC in the PDU and none on the SIM.
        await line.CommandAsync("AT+CSCA=\"\"");
        Assert.Equal("\r\n+CMS ERROR: 330\r\n", await SendPduAsync(line, SubmitPdus("hi", Phone1).Single()));
        await line.CommandAsync($"AT+CSCA=\"{VirtualNetwork.ServiceCentre}\"");

        // Out of coverage.
        modem.Faults.NoNetwork = true;
        Assert.Equal("\r\n+CMS ERROR: 331\r\n", await SendPduAsync(line, SubmitPdus("hi", Phone1).Single()));
        Assert.Equal(0, modem.Status().Sent);
        Assert.Empty(network.Phone(Phone1).Inbox);
    }

    [Fact]
    public async Task Status_reports_come_as_CDS_with_the_message_reference_and_the_set_outcome()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-01T10:00:00Z"));
        var network = Create(time);
        network.StatusReportDelay = TimeSpan.FromSeconds(3);
        var modem = network.AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        await line.CommandAsync("AT+CSMS=1;+CNMI=2,1,0,1,0");

        var references = await SendTextAsync(line, "report me", Phone1, statusReport: true);
        var report = line.ReadUntilAsync(new Regex(@"\+CDS: (\d+)\r\n([0-9A-F]+)\r\n"));
        Assert.True(await FakeTime.AdvanceUntilAsync(time, report) >= TimeSpan.FromSeconds(3));
        var cds = Assert.IsType<SmsStatusReport>(Pdu.Decode(Convert.FromHexString(Regex.Match(await report, "[0-9A-F]{20,}").Value)));
        Assert.Equal(references.Single(), cds.MessageReference);
        Assert.Equal(Phone1, cds.Recipient.Value);
        Assert.Equal(DeliveryOutcome.Delivered, cds.Outcome);
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT+CNMA"));

        network.SetDeliveryOutcome(Phone1, DeliveryOutcome.Failed);
        network.StatusReportDelay = TimeSpan.Zero;
        references = await SendTextAsync(line, "this one fails", Phone1, statusReport: true);
        var failed = Assert.IsType<SmsStatusReport>(Pdu.Decode(Convert.FromHexString(
            Regex.Match(await line.ReadUntilAsync(new Regex(@"\+CDS: \d+\r\n[0-9A-F]+\r\n")), "[0-9A-F]{20,}").Value)));
        Assert.Equal((references.Single(), DeliveryOutcome.Failed), (failed.MessageReference, failed.Outcome));
        await line.CommandAsync("AT+CNMA");
        Assert.Single(network.Phone(Phone1).Inbox); // the failed one never arrived
    }

    [Fact]
    public async Task With_ds_2_status_reports_are_stored_and_announced_with_CDSI_and_without_TP_SRR_none_come()
    {
        var network = Create();
        var modem = network.AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        await line.CommandAsync("AT+CNMI=2,1,0,2,0");

        await SendTextAsync(line, "no report wanted", Phone1, statusReport: false);
        network.StatusReports = false;
        await SendTextAsync(line, "reports are off", Phone1, statusReport: true);
        network.StatusReports = true;
        var wanted = await SendTextAsync(line, "report wanted", Phone1, statusReport: true);

        Assert.Equal("\r\n+CDSI: \"SM\",1\r\n", await line.ReadUntilAsync("+CDSI: \"SM\",1\r\n"));
        var stored = Assert.IsType<SmsStatusReport>(DecodeListed(await line.CommandAsync("AT+CMGR=1"), out _));
        Assert.Equal(wanted.Single(), stored.MessageReference); // the first report is the third send's
        Assert.Single(modem.StoredMessages);
    }

    [Fact]
    public async Task Direct_delivery_with_CMT_is_acknowledged_with_CNMA_and_not_stored()
    {
        var network = Create();
        var modem = network.AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        await line.CommandAsync("AT+CSMS=1;+CNMI=2,2,0,0,0");

        network.Phone(Phone1).Send(Sim1, "straight to you");
        var cmt = await line.ReadUntilAsync(new Regex(@"\+CMT: ,(\d+)\r\n([0-9A-F]+)\r\n"));
        var deliver = Assert.IsType<SmsDeliver>(Pdu.Decode(Convert.FromHexString(Regex.Match(cmt, "[0-9A-F]{20,}").Value)));
        Assert.Equal("straight to you", deliver.Text);
        Assert.Equal(1, modem.Status().AwaitingAck);
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT+CNMA"));
        Assert.Equal(0, modem.Status().AwaitingAck);
        Assert.Empty(modem.StoredMessages);
        Assert.Equal("\r\n+CMS ERROR: 340\r\n", await line.CommandAsync("AT+CMEE=1;+CNMA"));
    }

    [Fact]
    public async Task AT_CNMA_cannot_acknowledge_a_CMT_still_held_behind_a_command()
    {
        var network = Create();
        var modem = network.AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        await line.CommandAsync("AT+CMEE=1;+CNMI=2,2,0,0,0");
        await line.CommandAsync("ATE1");

        await line.SendAsync("AT+CG");
        await line.ReadUntilAsync("AT+CG");
        network.Phone(Phone1).Send(Sim1, "held");
        await AtDialectTests.AwaitAsync(() => modem.Status().AwaitingAck == 1);
        await line.SendAsync("MI;+CNMA\r");
        Assert.Equal("MI;+CNMA\r\r\nGateway\r\n\r\n+CMS ERROR: 340\r\n", await line.ReadFinalAsync());

        await line.ReadUntilAsync(new Regex(@"\+CMT: ,\d+\r\n[0-9A-F]+\r\n"));
        Assert.Equal("AT+CNMA\r\r\nOK\r\n", await line.CommandAsync("AT+CNMA"));
        Assert.Equal(0, modem.Status().AwaitingAck);
    }

    [Fact]
    public async Task A_CMT_nobody_acknowledges_is_stored_and_direct_routing_turned_off_as_27_005_says()
    {
        var time = new FakeTimeProvider();
        var network = Create(time, ackTimeout: TimeSpan.FromSeconds(20));
        var modem = network.AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        await line.CommandAsync("AT+CNMI=2,2,0,0,0");

        network.Phone(Phone1).Send(Sim1, "are you there?");
        await line.ReadUntilAsync(new Regex(@"\+CMT: ,\d+\r\n[0-9A-F]+\r\n"));
        var stored = AtDialectTests.AwaitAsync(() => modem.StoredMessages.Length == 1);
        Assert.True(await FakeTime.AdvanceUntilAsync(time, stored, TimeSpan.FromSeconds(1)) >= TimeSpan.FromSeconds(20));

        Assert.Equal("\r\n+CNMI: 2,0,0,0,0\r\n\r\nOK\r\n", await line.CommandAsync("AT+CNMI?"));
        var deliver = Assert.IsType<SmsDeliver>(DecodeListed(await line.CommandAsync("AT+CMGL=4"), out _));
        Assert.Equal("are you there?", deliver.Text);
    }

    [Fact]
    public async Task A_CMT_shown_to_a_line_that_closes_unacknowledged_is_stored()
    {
        var network = Create();
        var modem = network.AddModem(Sim1);
        var line = await OpenQuietAsync(modem);
        await line.CommandAsync("AT+CNMI=2,2,0,0,0");
        network.Phone(Phone1).Send(Sim1, "lost?");
        await line.ReadUntilAsync(new Regex(@"\+CMT: ,\d+\r\n[0-9A-F]+\r\n"));

        await line.DisposeAsync();
        await AtDialectTests.AwaitAsync(() => modem.StoredMessages.Length == 1);
    }

    [Fact]
    public async Task A_full_SIM_refuses_new_SMS_the_network_holds_them_and_delivers_when_space_is_freed()
    {
        var network = Create(simCapacity: 2);
        var modem = network.AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        var phone = network.Phone(Phone1);

        phone.Send(Sim1, "one");
        phone.Send(Sim1, "two");
        phone.Send(Sim1, "three");
        await line.ReadUntilAsync("+CMTI: \"SM\",2\r\n");
        Assert.Equal(2, modem.StoredMessages.Length);
        Assert.Equal(1, modem.Status().HeldByNetwork);
        Assert.Equal("\r\n+CPMS: \"SM\",2,2,\"SM\",2,2,\"SM\",2,2\r\n\r\nOK\r\n", await line.CommandAsync("AT+CPMS?"));

        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT+CMGD=1"));
        Assert.Equal("\r\n+CMTI: \"SM\",1\r\n", await line.ReadUntilAsync("+CMTI: \"SM\",1\r\n"));
        var third = Assert.IsType<SmsDeliver>(DecodeListed(await line.CommandAsync("AT+CMGR=1"), out _));
        Assert.Equal("three", third.Text);
        Assert.Equal(0, modem.Status().HeldByNetwork);
    }

    [Fact]
    public async Task SMS_for_a_modem_without_coverage_or_gone_wait_in_the_network_and_arrive_later()
    {
        var network = Create();
        var modem = network.AddModem(Sim1);
        modem.Faults.NoNetwork = true;
        network.Phone(Phone1).Send(Sim1, "while out of coverage");
        modem.Faults.Gone = true;
        network.Phone(Phone1).Send(Sim1, "while unplugged");
        Assert.Equal(2, modem.Status().HeldByNetwork);
        Assert.Empty(modem.StoredMessages);

        modem.Faults.NoNetwork = false;
        modem.Faults.Gone = false;
        await AtDialectTests.AwaitAsync(() => modem.StoredMessages.Length == 2);
        // Nobody had the port open: no +CMTI was seen, the SMS wait in storage for AT+CMGL.
        await using var line = await OpenQuietAsync(modem);
        var listing = await line.CommandAsync("AT+CMGL=4");
        Assert.Contains("+CMGL: 1,0,,", listing);
        Assert.Contains("+CMGL: 2,0,,", listing);
    }

    [Fact]
    public async Task A_PIN_locked_SIM_receives_nothing_until_unlocked()
    {
        var network = Create();
        var modem = network.AddModem(Sim1, new VirtualSimOptions(Pin: "1234"));
        network.Phone(Phone1).Send(Sim1, "wake up");
        Assert.Equal(1, modem.Status().HeldByNetwork);

        await using var line = await OpenQuietAsync(modem);
        await line.CommandAsync("AT+CPIN=\"1234\"");
        await line.ReadUntilAsync("+CMTI: \"SM\",1\r\n");
    }

    [Fact]
    public async Task An_alphanumeric_sender_reaches_the_SIM_as_alphanumeric()
    {
        var network = Create();
        var modem = network.AddModem(Sim1);
        Assert.Equal(new PhoneSendResult(1, SmsCoding.Gsm7), network.SendFromAlphanumeric("ACME", Sim1, "Your code is 1234"));
        var deliver = Assert.IsType<SmsDeliver>(Pdu.Decode(modem.StoredMessages.Single().Pdu.AsSpan()));
        Assert.Equal(new SmsAddress(AddressType.Alphanumeric, "ACME"), deliver.Originator);
        Assert.Throws<ArgumentException>(() => network.SendFromAlphanumeric("FAR TOO LONG A NAME", Sim1, "x"));
        Assert.Throws<ArgumentException>(() => network.Phone(Phone1).Send("+420699999999", "not a SIM"));
    }

    [Fact]
    public async Task Deleting_with_a_flag_removes_the_read_messages_only()
    {
        var network = Create();
        var modem = network.AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        network.Phone(Phone1).Send(Sim1, "first");
        network.Phone(Phone1).Send(Sim1, "second");
        await line.ReadUntilAsync("+CMTI: \"SM\",2\r\n");
        await line.CommandAsync("AT+CMGR=1");

        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT+CMGD=1,1"));
        Assert.Equal([2], modem.StoredMessages.Select(m => m.Index));
        Assert.Equal("\r\n+CMGD: (2),(0-4)\r\n\r\nOK\r\n", await line.CommandAsync("AT+CMGD=?"));
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT+CMGD=0,4"));
        Assert.Empty(modem.StoredMessages);
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(ModemLine.HangGuard).Token;
}

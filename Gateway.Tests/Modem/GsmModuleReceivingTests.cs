using Akka.Actor;
using Gateway.Modem;
using Gateway.Sms;
using Gateway.Tests.Modem.Support;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Modem;

public class GsmModuleReceivingTests(ITestOutputHelper output) : ModuleTestKit(output)
{
    private const string From = "+420777999888";

    private static string ReadAnswer(string pduHex, int stat = 0) => ScriptedModem.Ok($"+CMGR: {stat},,{Pdus.TpduLength(pduHex)}", pduHex);

    [Fact]
    public async Task A_new_SMS_is_read_when_announced_and_deleted_from_the_SIM_only_after_its_owner_confirms_it_is_stored()
    {
        await using var modem = ScriptedModem.Start();
        var status = CreateTestProbe();
        var module = StartModule(modem, status);
        await ReadyAsync(status);
        await modem.NextMatchingAsync("AT+CMGL=4");
        modem.On("AT+CMGR=3", ReadAnswer(Pdus.DeliverHex(From, "Are we still on for lunch?")));
        modem.On("AT+CMGR=4", ReadAnswer(Pdus.DeliverHex(From, "Reply please")));

        await modem.PushAsync("\r\n+CMTI: \"SM\",3\r\n");
        Assert.Equal("AT+CMGR=3", await modem.NextAsync());
        var received = await ExpectMsgAsync<SmsReceived>(Patience);
        Assert.Equal(("gsm-t", 3, 1), (received.Module, received.SimIndex, received.Offer));
        Assert.Equal("Are we still on for lunch?", received.Sms.Text);
        Assert.Equal(From, received.Sms.Originator.Value);
        Assert.Equal(1, (await StatusAsync(status, s => s.AwaitingConfirmation == 1)).AwaitingConfirmation);

        // Another SMS arrives before the first is confirmed: it is read next; nothing was deleted in between.
        await modem.PushAsync("\r\n+CMTI: \"SM\",4\r\n");
        Assert.Equal("AT+CMGR=4", await modem.NextAsync());
        var second = await ExpectMsgAsync<SmsReceived>(Patience);

        LastSender.Tell(new ConfirmStored("gsm-t", second.ReceiptId));
        Assert.Equal("AT+CMGD=4", await modem.NextAsync());
        module.Tell(new ConfirmStored("gsm-t", received.ReceiptId));
        Assert.Equal("AT+CMGD=3", await modem.NextAsync());
        await StatusAsync(status, s => s.AwaitingConfirmation == 0);
    }

    [Fact]
    public async Task An_SMS_not_confirmed_in_time_is_offered_again_under_the_same_receipt_and_stays_on_the_SIM()
    {
        await using var modem = ScriptedModem.Start();
        var status = CreateTestProbe();
        StartModule(modem, status, Timings with { StoreConfirmTimeout = TimeSpan.FromMilliseconds(300) });
        await ReadyAsync(status);
        modem.On("AT+CMGR=1", ReadAnswer(Pdus.DeliverHex(From, "hello")));
        await modem.PushAsync("\r\n+CMTI: \"SM\",1\r\n");

        var first = await ExpectMsgAsync<SmsReceived>(Patience);
        var again = await ExpectMsgAsync<SmsReceived>(Patience);
        var third = await ExpectMsgAsync<SmsReceived>(Patience);
        Assert.Equal((first.ReceiptId, 2, 3), (again.ReceiptId, again.Offer, third.Offer));
        Assert.DoesNotContain(modem.Drain(), c => c.StartsWith("AT+CMGD", StringComparison.Ordinal));

        // A repeated +CMTI for the same entry while it waits does not read it again.
        await modem.PushAsync("\r\n+CMTI: \"SM\",1\r\n");
        LastSender.Tell(new ConfirmStored("gsm-t", first.ReceiptId));
        Assert.Equal("AT+CMGD=1", await modem.NextAsync());
    }

    [Fact]
    public async Task SMS_already_on_the_SIM_are_handed_on_at_start_up_and_outgoing_ones_stored_there_are_left_alone()
    {
        await using var modem = ScriptedModem.Start();
        var a = Pdus.DeliverHex(From, "first");
        var b = Pdus.DeliverHex("+420600111222", "second");
        var submit = Convert.ToHexString(Pdu.Encode(Pdus.Submit(From, "someone's draft")));
        modem.On("AT+CMGL=4", ScriptedModem.Ok(
            $"+CMGL: 1,1,,{Pdus.TpduLength(a)}", a,
            $"+CMGL: 2,0,,{Pdus.TpduLength(b)}", b,
            $"+CMGL: 5,2,,{Pdus.TpduLength(submit)}", submit));
        var status = CreateTestProbe();
        var module = StartModule(modem, status);

        var received = new[] { await ExpectMsgAsync<SmsReceived>(Patience), await ExpectMsgAsync<SmsReceived>(Patience) };
        Assert.Equal(["first", "second"], received.Select(r => r.Sms.Text).ToArray());
        Assert.Equal([1, 2], received.Select(r => r.SimIndex ?? -1).ToArray());
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

        module.Tell(new ConfirmStored("gsm-t", received[1].ReceiptId));
        await modem.NextMatchingAsync("AT+CMGD=2");
    }

    [Fact]
    public async Task After_a_restart_the_same_message_is_offered_under_the_same_receipt_id()
    {
        await using var modem = ScriptedModem.Start();
        var pdu = Pdus.DeliverHex(From, "still here");
        modem.On("AT+CMGL=4", ScriptedModem.Ok($"+CMGL: 7,1,,{Pdus.TpduLength(pdu)}", pdu));
        var status = CreateTestProbe();
        var first = StartModule(modem, status, name: "gsm-r");
        var before = await ExpectMsgAsync<SmsReceived>(Patience);
        Watch(first);
        Sys.Stop(first);
        await ExpectTerminatedAsync(first, Patience);

        StartModule(modem, CreateTestProbe(), name: "gsm-r");
        var after = await ExpectMsgAsync<SmsReceived>(Patience);
        Assert.Equal(before.ReceiptId, after.ReceiptId);
        Assert.StartsWith("gsm-r:7:", after.ReceiptId);
    }

    [Fact]
    public async Task An_undecodable_message_is_offered_with_its_raw_PDU_and_kept_on_the_SIM_until_confirmed()
    {
        await using var modem = ScriptedModem.Start();
        const string garbage = "07914402000000F0FF";
        modem.On("AT+CMGL=4", ScriptedModem.Ok("+CMGL: 9,0,,2", garbage, "+CMGL: x,broken", "+CMGL: 10,0,,5", "ZZZZ"));
        var status = CreateTestProbe();
        var module = StartModule(modem, status);

        var bad = await ExpectMsgAsync<UndecodableSmsReceived>(Patience);
        Assert.Equal((9, garbage), (bad.SimIndex, bad.PduHex));
        Assert.False(string.IsNullOrWhiteSpace(bad.Problem));
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200)); // the broken list entries are logged and left on the SIM

        module.Tell(new ConfirmStored("gsm-t", bad.ReceiptId));
        await modem.NextMatchingAsync("AT+CMGD=9");
    }

    [Fact]
    public async Task Parts_of_a_concatenated_SMS_are_handed_on_one_by_one_with_their_concatenation_info()
    {
        await using var modem = ScriptedModem.Start();
        var one = Pdus.DeliverHex(From, "first half, ", new ConcatInfo(88, 2, 1));
        var two = Pdus.DeliverHex(From, "second half", new ConcatInfo(88, 2, 2));
        modem.On("AT+CMGL=4", ScriptedModem.Ok($"+CMGL: 2,0,,{Pdus.TpduLength(two)}", two, $"+CMGL: 1,0,,{Pdus.TpduLength(one)}", one));
        StartModule(modem, CreateTestProbe());
        var parts = new[] { await ExpectMsgAsync<SmsReceived>(Patience), await ExpectMsgAsync<SmsReceived>(Patience) };
        Assert.Equal([new ConcatInfo(88, 2, 2), new ConcatInfo(88, 2, 1)], parts.Select(p => p.Sms.Concat!).ToArray());
    }

    [Fact]
    public async Task An_SMS_routed_straight_to_us_is_acknowledged_only_once_its_owner_has_stored_it()
    {
        await using var modem = ScriptedModem.Start();
        modem.On("AT+CSMS?", ScriptedModem.Ok("+CSMS: 1,1,1,1")); // phase 2+: routed messages need AT+CNMA
        var status = CreateTestProbe();
        var module = StartModule(modem, status);
        await ReadyAsync(status);
        await modem.NextMatchingAsync("AT+CMGL=4");

        var pdu = Pdus.DeliverHex(From, "routed");
        await modem.PushAsync($"\r\n+CMT: ,{Pdus.TpduLength(pdu)}\r\n{pdu}\r\n");
        var received = await ExpectMsgAsync<SmsReceived>(Patience);
        Assert.Null(received.SimIndex);
        Assert.Equal("routed", received.Sms.Text);
        Assert.Empty(modem.Drain());

        module.Tell(new ConfirmStored("gsm-t", received.ReceiptId));
        Assert.Equal("AT+CNMA", await modem.NextAsync());
    }
}

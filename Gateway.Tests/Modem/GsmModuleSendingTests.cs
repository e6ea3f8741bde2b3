using Akka.Actor;
using Gateway.Configuration;
using Gateway.Modem;
using Gateway.Sms;
using Gateway.Tests.Modem.Support;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Modem;

public class GsmModuleSendingTests(ITestOutputHelper output) : ModuleTestKit(output)
{
    private const string To = "+420777123456";

    private async Task<(ScriptedModem Modem, IActorRef Module, Akka.TestKit.TestProbe Status)> ReadyModuleAsync(ModemSettings? timings = null)
    {
        var modem = ScriptedModem.Start();
        var status = CreateTestProbe();
        var module = StartModule(modem, status, timings);
        await ReadyAsync(status);
        await modem.NextMatchingAsync("AT+CMGL=4");
        return (modem, module, status);
    }

    [Fact]
    public async Task A_single_part_SMS_is_sent_with_AT_CMGS_and_the_PDU_after_the_prompt_and_its_TP_MR_is_returned()
    {
        var (modem, module, _) = await ReadyModuleAsync();
        await using var _m = modem;
        var part = Pdus.Submit(To, "Hello from the gateway");
        modem.Once("PDU:*", ScriptedModem.Ok("+CMGS: 42"));

        module.Tell(new SendSms("gsm-t", "job-1", [part]));

        var (command, pdu) = Pdus.Expected(part);
        Assert.Equal(command, await modem.NextAsync());
        Assert.Equal(pdu, await modem.NextAsync());
        var sent = await ExpectMsgAsync<SmsSent>(Patience);
        Assert.Equal(("gsm-t", "job-1"), (sent.Module, sent.JobId));
        Assert.Equal([42], sent.MessageReferences.ToArray());
    }

    [Fact]
    public async Task All_parts_of_a_message_go_through_the_same_module_in_order_each_with_its_TP_MR()
    {
        var (modem, module, _) = await ReadyModuleAsync();
        await using var _m = modem;
        var parts = Enumerable.Range(1, 3).Select(i => Pdus.Submit(To, $"part {i}", new ConcatInfo(7, 3, i))).ToArray();

        module.Tell(new SendSms("gsm-t", "job-3", parts));

        foreach (var part in parts)
        {
            var (command, pdu) = Pdus.Expected(part);
            Assert.Equal(command, await modem.NextAsync());
            Assert.Equal(pdu, await modem.NextAsync());
        }
        var sent = await ExpectMsgAsync<SmsSent>(Patience);
        Assert.Equal([0, 1, 2], sent.MessageReferences.ToArray());
    }

    [Fact]
    public async Task A_permanent_CMS_error_fails_the_job_for_good_and_reports_the_parts_already_sent()
    {
        var (modem, module, _) = await ReadyModuleAsync();
        await using var _m = modem;
        var parts = new[] { Pdus.Submit(To, "one", new ConcatInfo(1, 2, 1)), Pdus.Submit(To, "two", new ConcatInfo(1, 2, 2)) };
        // Both answers before the send (the newest rule answers first): set after the first PDU was
        // seen, the error raced the module's second PDU, which then got the default OK.
        modem.Once("PDU:*", ScriptedModem.Final("+CMS ERROR: 304"));
        modem.Once("PDU:*", ScriptedModem.Ok("+CMGS: 10"));
        module.Tell(new SendSms("gsm-t", "job-p", parts));

        var failed = await ExpectMsgAsync<SmsSendFailed>(Patience);
        Assert.False(failed.Retryable);
        Assert.Equal(1, failed.PartsSent);
        Assert.Equal([10], failed.SentReferences.ToArray());
        Assert.Contains("part 2 of 2 refused: +CMS ERROR: 304 (invalid PDU mode parameter)", failed.Reason);
    }

    [Theory]
    [InlineData("+CMS ERROR: 331")]
    [InlineData("+CME ERROR: 30")]
    [InlineData("ERROR")]
    public async Task Network_and_modem_errors_fail_the_job_as_retryable(string error)
    {
        var (modem, module, status) = await ReadyModuleAsync();
        await using var _m = modem;
        modem.Once("PDU:*", ScriptedModem.Final(error));
        module.Tell(new SendSms("gsm-t", "job-r", [Pdus.Submit(To, "hi")]));
        var failed = await ExpectMsgAsync<SmsSendFailed>(Patience);
        Assert.True(failed.Retryable);
        Assert.Equal(0, failed.PartsSent);
        var after = await StatusAsync(status, s => s.LastError is not null);
        Assert.Contains(error, after.LastError);
        Assert.Equal(ModuleState.Ready, after.State);
    }

    [Fact]
    public async Task A_prompt_that_never_comes_is_cancelled_with_ESC_the_job_fails_as_retryable_and_the_module_goes_on()
    {
        var (modem, module, _) = await ReadyModuleAsync(Timings with { CommandTimeout = TimeSpan.FromMilliseconds(300) });
        await using var _m = modem;
        modem.SwallowOnce("AT+CMGS=*");
        module.Tell(new SendSms("gsm-t", "job-np", [Pdus.Submit(To, "hi")]));

        await modem.NextMatchingAsync(c => c.StartsWith("AT+CMGS=", StringComparison.Ordinal));
        Assert.Equal("ESC", await modem.NextAsync());
        var failed = await ExpectMsgAsync<SmsSendFailed>(Patience);
        Assert.True(failed.Retryable);
        Assert.Contains("no answer to AT+CMGS=", failed.Reason);
        Assert.DoesNotContain("may have been sent", failed.Reason);

        module.Tell(new SendSms("gsm-t", "job-next", [Pdus.Submit(To, "again")]));
        await ExpectMsgAsync<SmsSent>(Patience);
    }

    [Fact]
    public async Task A_send_whose_result_never_comes_is_reported_as_retryable_and_possibly_sent()
    {
        var (modem, module, _) = await ReadyModuleAsync(Timings with { SendTimeout = TimeSpan.FromMilliseconds(300) });
        await using var _m = modem;
        modem.SwallowOnce("PDU:*");
        module.Tell(new SendSms("gsm-t", "job-lost", [Pdus.Submit(To, "hi")]));
        var failed = await ExpectMsgAsync<SmsSendFailed>(Patience);
        Assert.True(failed.Retryable);
        Assert.Contains("may have been sent", failed.Reason);
    }

    [Fact]
    public async Task After_a_job_whose_record_follows_the_next_job_starts_only_once_the_sender_says_it_is_recorded()
    {
        // So a crash leaves at most one SMS of the module sent but unrecorded: the one in the modem.
        var (modem, module, _) = await ReadyModuleAsync(Timings with { RecordWait = TimeSpan.FromMinutes(1) });
        await using var _m = modem;
        var first = Pdus.Submit(To, "first");
        var second = Pdus.Submit(To, "second");

        module.Tell(new SendSms("gsm-t", "job-1", [first], RecordFollows: true));
        module.Tell(new SendSms("gsm-t", "job-2", [second], RecordFollows: true));
        Assert.Equal(Pdus.Expected(first).Command, await modem.NextAsync());
        Assert.Equal(Pdus.Expected(first).Pdu, await modem.NextAsync());
        var sent = await ExpectMsgAsync<SmsSent>(Patience);
        Assert.Equal("job-1", sent.JobId);
        Assert.Equal(module, LastSender); // the module itself hears when the record is stored

        await Assert.ThrowsAsync<TimeoutException>(() => modem.NextAsync(TimeSpan.FromSeconds(1)));
        module.Tell(new SentRecorded("gsm-t", "job-9")); // another job's record changes nothing
        await Assert.ThrowsAsync<TimeoutException>(() => modem.NextAsync(TimeSpan.FromMilliseconds(500)));

        module.Tell(new SentRecorded("gsm-t", "job-1"));
        Assert.Equal(Pdus.Expected(second).Command, await modem.NextAsync());
        Assert.Equal("job-2", (await ExpectMsgAsync<SmsSent>(Patience)).JobId);
    }

    [Fact]
    public async Task A_record_that_is_not_confirmed_holds_the_next_job_only_for_record_wait_and_is_logged()
    {
        var (modem, module, _) = await ReadyModuleAsync(Timings with { RecordWait = TimeSpan.FromMilliseconds(300) });
        await using var _m = modem;

        await EventFilter.Warning(contains: "was not confirmed within 300ms").ExpectOneAsync(async () =>
        {
            module.Tell(new SendSms("gsm-t", "job-1", [Pdus.Submit(To, "first")], RecordFollows: true));
            module.Tell(new SendSms("gsm-t", "job-2", [Pdus.Submit(To, "second")]));
            Assert.Equal("job-1", (await ExpectMsgAsync<SmsSent>(Patience)).JobId);
            Assert.Equal("job-2", (await ExpectMsgAsync<SmsSent>(Patience)).JobId);
        });

        // A job whose sender keeps no record holds nothing: the next one follows at once.
        module.Tell(new SendSms("gsm-t", "job-3", [Pdus.Submit(To, "third")]));
        Assert.Equal("job-3", (await ExpectMsgAsync<SmsSent>(Patience)).JobId);
    }

    [Fact]
    public async Task Jobs_wait_in_a_bounded_queue_whose_length_is_visible_and_a_full_queue_refuses_at_once()
    {
        var (modem, module, status) = await ReadyModuleAsync(Timings with { MaxQueuedSends = 1 });
        await using var _m = modem;
        modem.SwallowOnce("PDU:*"); // the first job hangs until the test answers it

        module.Tell(new SendSms("gsm-t", "job-1", [Pdus.Submit(To, "one")]));
        await modem.NextMatchingAsync(c => c.StartsWith("PDU:", StringComparison.Ordinal));
        module.Tell(new SendSms("gsm-t", "job-2", [Pdus.Submit(To, "two")]));
        var busy = await StatusAsync(status, s => s is { QueueLength: 1, InFlight: 1 });
        Assert.Equal(2, busy.Load);

        module.Tell(new SendSms("gsm-t", "job-3", [Pdus.Submit(To, "three")]));
        var refused = await ExpectMsgAsync<SmsSendFailed>(Patience);
        Assert.Equal("job-3", refused.JobId);
        Assert.True(refused.Retryable);
        Assert.Contains("queued (the limit)", refused.Reason);

        await modem.PushAsync(ScriptedModem.Ok("+CMGS: 77"));
        var first = await ExpectMsgAsync<SmsSent>(Patience);
        Assert.Equal(("job-1", 77), (first.JobId, first.MessageReferences[0]));
        Assert.Equal("job-2", (await ExpectMsgAsync<SmsSent>(Patience)).JobId);
        await StatusAsync(status, s => s.Load == 0);
    }

    [Fact]
    public async Task When_the_module_goes_down_every_job_it_holds_is_answered_as_retryable()
    {
        var (modem, module, _) = await ReadyModuleAsync();
        await using var _m = modem;
        modem.SwallowOnce("PDU:*");
        module.Tell(new SendSms("gsm-t", "job-1", [Pdus.Submit(To, "one")]));
        await modem.NextMatchingAsync(c => c.StartsWith("PDU:", StringComparison.Ordinal));
        module.Tell(new SendSms("gsm-t", "job-2", [Pdus.Submit(To, "two")]));
        await AwaitAssertAsync(async () => Assert.Equal(1, (await module.Ask<ModuleStatus>(new GetModuleStatus("gsm-t"))).QueueLength));

        modem.Drop();
        var failures = new[] { await ExpectMsgAsync<SmsSendFailed>(Patience), await ExpectMsgAsync<SmsSendFailed>(Patience) }
            .ToDictionary(f => f.JobId);
        Assert.All(failures.Values, f => Assert.True(f.Retryable));
        Assert.Contains("may have been sent", failures["job-1"].Reason);
        Assert.Contains("went down", failures["job-2"].Reason);
    }

    [Fact]
    public async Task A_job_without_parts_or_with_a_part_the_codec_refuses_fails_permanently()
    {
        var (modem, module, _) = await ReadyModuleAsync();
        await using var _m = modem;
        module.Tell(new SendSms("gsm-t", "job-empty", []));
        Assert.False((await ExpectMsgAsync<SmsSendFailed>(Patience)).Retryable);

        var unencodable = Pdus.Submit("not a number at all", "hi") with { Destination = new SmsAddress(AddressType.International, "+12x") };
        module.Tell(new SendSms("gsm-t", "job-bad", [unencodable]));
        var failed = await ExpectMsgAsync<SmsSendFailed>(Patience);
        Assert.False(failed.Retryable);
        Assert.Contains("cannot be encoded", failed.Reason);
    }

    [Fact]
    public async Task A_status_report_is_matched_to_its_part_by_message_reference()
    {
        var (modem, module, _) = await ReadyModuleAsync();
        await using var _m = modem;
        var parts = new[] { Pdus.Submit(To, "a", new ConcatInfo(3, 2, 1), statusReport: true), Pdus.Submit(To, "b", new ConcatInfo(3, 2, 2), statusReport: true) };
        modem.Once("PDU:*", ScriptedModem.Ok("+CMGS: 200"));
        module.Tell(new SendSms("gsm-t", "job-sr", parts));
        await modem.NextMatchingAsync(c => c.StartsWith("PDU:", StringComparison.Ordinal));
        modem.Once("PDU:*", ScriptedModem.Ok("+CMGS: 201"));
        var sent = await ExpectMsgAsync<SmsSent>(Patience);
        Assert.Equal([200, 201], sent.MessageReferences.ToArray());

        var report = Pdus.StatusReportHex(201, To);
        await modem.PushAsync($"\r\n+CDS: {Pdus.TpduLength(report)}\r\n{report}\r\n");
        var received = await ExpectMsgAsync<StatusReportReceived>(Patience);
        Assert.Equal(("job-sr", 1, 201), (received.JobId, received.PartIndex, received.Report.MessageReference));
        Assert.Equal(DeliveryOutcome.Delivered, received.Report.Outcome);

        var unknown = Pdus.StatusReportHex(9, To, status: 0x41);
        await modem.PushAsync($"\r\n+CDS: {Pdus.TpduLength(unknown)}\r\n{unknown}\r\n");
        var unmatched = await ExpectMsgAsync<StatusReportReceived>(Patience);
        Assert.Null(unmatched.JobId);
        Assert.Equal(DeliveryOutcome.Failed, unmatched.Report.Outcome);
    }
}

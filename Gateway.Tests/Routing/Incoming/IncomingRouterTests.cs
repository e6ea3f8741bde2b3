using Akka.Actor;
using Akka.TestKit;
using Gateway.AutoClip;
using Gateway.Configuration;
using Gateway.Mailbox;
using Gateway.Modem;
using Gateway.Routing.Incoming;
using Gateway.Sms;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Routing.Incoming;

/// <summary>
/// The incoming router as an actor, with probes in the places of its module, the mailboxes,
/// AutoCLIP, the ledger and the outgoing router: what it asks of them and when, and that no SIM
/// copy is released before the message is stored.
/// </summary>
public class IncomingRouterTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private static readonly DateTimeOffset Stamp = new(2026, 11, 25, 13, 45, 30, TimeSpan.FromHours(1));

    private readonly TestProbe _module, _mailboxes, _autoClip, _ledger, _statusReports;
    private readonly GatewaySettings _settings;

    public IncomingRouterTests()
    {
        _module = CreateTestProbe("gsm-1");
        _mailboxes = CreateTestProbe("mailboxes");
        _autoClip = CreateTestProbe("autoclip");
        _ledger = CreateTestProbe("ledger");
        _statusReports = CreateTestProbe("outgoing-router");
        _settings = TestSettings.Gateway("""
            gateway.sms-groups {
              office { }
              alerts { }
            }
            gateway.modules {
              gsm-1 { node = "node-a", group = office, transport = virtual, number = "+420600000001" }
              gsm-2 { node = "node-a", group = alerts, transport = virtual, number = "+420600000002" }
            }
            gateway.routing {
              incoming = [
                { group = office, senders = ["+420777200*"], action = drop }
                { group = office, action = autoclip }
                { group = office, senders = ["+420777*"], action = deliver, user = bob }
                { group = alerts, action = deliver, user = alice }
              ]
              reassembly-timeout = 500ms
              delivery-retry-min = 100ms
              delivery-retry-max = 200ms
              answer-timeout = 1s
            }
            """);
    }

    private IActorRef StartRouter() =>
        Sys.ActorOf(IncomingRouter.Props(_settings, _mailboxes, _autoClip, _ledger, _statusReports));

    private static SmsDeliver Deliver(string text, string from = "+420777123456", ConcatInfo? concat = null) =>
        new(new SmsAddress(AddressType.International, from), Stamp, SmsCoding.Gsm7, MessageClass.None, text, [], concat);

    private static SmsReceived Received(string module, int index, SmsDeliver sms, int offer = 1) =>
        new(module, $"{module}:{index}:{index:x12}", sms, "00", index, offer);

    private void Offer(IActorRef router, SmsReceived sms) => router.Tell(sms, _module);

    [Fact]
    public async Task An_SMS_is_confirmed_to_its_module_only_after_the_mailbox_stored_it()
    {
        var router = StartRouter();
        var sms = Received("gsm-2", 3, Deliver("Disk full on db-1"));
        Offer(router, sms);

        var deliver = await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait);
        Assert.Equal("alice", deliver.User);
        Assert.Equal(sms.ReceiptId, deliver.DeliveryId);
        Assert.Equal(new Gateway.Mailbox.IncomingSms(new SmsAddress(AddressType.International, "+420777123456"), Stamp, "Disk full on db-1", "gsm-2", "alerts",
            "+420600000002", 1), deliver.Sms with { MissingParts = default });
        Assert.False(deliver.Sms.IsIncomplete);
        await _module.ExpectNoMsgAsync(Quiet);

        _mailboxes.Reply(new SmsStored(deliver.DeliveryId, "uid-1"));
        await _module.ExpectMsgAsync(new ConfirmStored("gsm-2", sms.ReceiptId), Wait);
    }

    [Fact]
    public async Task An_offer_of_a_receipt_in_hand_is_ignored_and_one_already_stored_is_confirmed_again_at_once()
    {
        var router = StartRouter();
        var sms = Received("gsm-2", 4, Deliver("once"));
        Offer(router, sms);
        var deliver = await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait);
        Offer(router, sms with { Offer = 2 });
        await _mailboxes.ExpectNoMsgAsync(Quiet);

        router.Tell(new SmsStored(deliver.DeliveryId, "uid-1"), _mailboxes);
        await _module.ExpectMsgAsync<ConfirmStored>(Wait);
        Offer(router, sms with { Offer = 3 }); // the SIM delete failed, the module offers it again
        await _module.ExpectMsgAsync(new ConfirmStored("gsm-2", sms.ReceiptId), Wait);
        await _mailboxes.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task Parts_out_of_order_and_a_part_twice_make_one_message_and_every_SIM_copy_is_released_once_it_is_stored()
    {
        var router = StartRouter();
        var parts = new[] { "Part one, ", "part two, ", "part three." };
        SmsReceived Part(int index, int seq) => Received("gsm-2", index, Deliver(parts[seq - 1], concat: new ConcatInfo(77, 3, seq)));
        Offer(router, Part(1, 3));
        Offer(router, Part(2, 1));
        Offer(router, Part(3, 1)); // the network delivered part 1 twice
        await _mailboxes.ExpectNoMsgAsync(Quiet);
        Offer(router, Part(4, 2));

        var deliver = await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait);
        Assert.Equal("Part one, part two, part three.", deliver.Sms.Text);
        Assert.Equal(3, deliver.Sms.Parts);
        Assert.Equal(RoutedSms.IdFor("gsm-2", [Part(2, 1).ReceiptId, Part(4, 2).ReceiptId, Part(1, 3).ReceiptId]), deliver.DeliveryId);
        Offer(router, Part(5, 3)); // and part 3 again, while the message is being stored
        await _module.ExpectNoMsgAsync(Quiet);

        _mailboxes.Reply(new SmsStored(deliver.DeliveryId, "uid-1"));
        var confirmed = await Collect.AllAsync(_module.ReceiveNAsync(5, Wait));
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }.Select(i => $"gsm-2:{i}:{i:x12}").Order(),
            confirmed.Cast<ConfirmStored>().Select(c => c.ReceiptId).Order());

        Offer(router, Part(6, 2)); // a copy that comes after the message was stored is released at once
        await _module.ExpectMsgAsync(new ConfirmStored("gsm-2", Part(6, 2).ReceiptId), Wait);
        await _mailboxes.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_message_still_missing_a_part_after_the_reassembly_timeout_goes_out_marked_incomplete()
    {
        var router = StartRouter();
        Offer(router, Received("gsm-2", 1, Deliver("first ", concat: new ConcatInfo(9, 3, 1))));
        Offer(router, Received("gsm-2", 2, Deliver("third", concat: new ConcatInfo(9, 3, 3))));

        var deliver = await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait);
        Assert.Equal("first third", deliver.Sms.Text);
        Assert.Equal(2, deliver.Sms.Parts);
        Assert.Equal([2], deliver.Sms.MissingParts.ToArray());
        _mailboxes.Reply(new SmsStored(deliver.DeliveryId, "uid-1"));
        Assert.Equal(2, (await Collect.AllAsync(_module.ReceiveNAsync(2, Wait))).Count);
    }

    [Fact]
    public async Task A_full_mailbox_leaves_the_SMS_on_the_SIM_and_the_same_delivery_is_tried_again_until_it_is_stored()
    {
        var router = StartRouter();
        var sms = Received("gsm-2", 7, Deliver("try again"));
        Offer(router, sms);
        var first = await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait);
        _mailboxes.Reply(new MailboxFull(first.DeliveryId, "20000 messages"));
        var second = await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait);
        Assert.Equal(first, second);
        _mailboxes.Reply(new DeliveryFailed(second.DeliveryId, "journal failure"));
        var third = await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait);
        Assert.Equal(first, third);
        await _module.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));

        _mailboxes.Reply(new SmsStored(third.DeliveryId, "uid-1"));
        await _module.ExpectMsgAsync(new ConfirmStored("gsm-2", sms.ReceiptId), Wait);
        _mailboxes.Reply(new MailboxFull(third.DeliveryId, "late answer to an earlier try"));
        await _mailboxes.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_mailbox_that_does_not_answer_is_asked_again_after_the_answer_timeout()
    {
        var router = StartRouter();
        Offer(router, Received("gsm-2", 8, Deliver("anyone there?")));
        var first = await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait);
        var again = await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait);
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task An_autoclip_rule_asks_AutoCLIP_and_delivers_to_the_owner_it_names()
    {
        var router = StartRouter();
        Offer(router, Received("gsm-1", 1, Deliver("reply to alice", from: "+420777100001")));
        await _autoClip.ExpectMsgAsync(new LookupReplyOwner("+420777100001", "gsm-1"), Wait);
        await _mailboxes.ExpectNoMsgAsync(Quiet);
        _autoClip.Reply(new ReplyOwner("+420777100001", "gsm-1", "alice"));
        Assert.Equal("alice", (await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait)).User);
    }

    [Fact]
    public async Task Without_a_live_record_the_autoclip_rule_falls_through_to_the_next_rule()
    {
        var router = StartRouter();
        Offer(router, Received("gsm-1", 2, Deliver("nobody wrote to me", from: "+420777100002")));
        await _autoClip.ExpectMsgAsync<LookupReplyOwner>(Wait);
        _autoClip.Reply(new ReplyOwner("+420777100002", "gsm-1", null));
        Assert.Equal("bob", (await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait)).User);
    }

    [Fact]
    public async Task A_record_for_a_user_no_longer_configured_is_passed_over_for_the_next_rule()
    {
        var router = StartRouter();
        Offer(router, Received("gsm-1", 6, Deliver("to a former colleague", from: "+420777100006")));
        await _autoClip.ExpectMsgAsync<LookupReplyOwner>(Wait);
        _autoClip.Reply(new ReplyOwner("+420777100006", "gsm-1", "mallory"));
        Assert.Equal("bob", (await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait)).User);
    }

    [Fact]
    public async Task AutoCLIP_is_asked_again_when_it_does_not_answer_and_the_SMS_waits_meanwhile()
    {
        var router = StartRouter();
        Offer(router, Received("gsm-1", 3, Deliver("waiting", from: "+420777100003")));
        await _autoClip.ExpectMsgAsync<LookupReplyOwner>(Wait);
        var again = await _autoClip.ExpectMsgAsync<LookupReplyOwner>(Wait);
        _autoClip.Reply(new ReplyOwner(again.Number, again.Module, "alice"));
        Assert.Equal("alice", (await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait)).User);
        await _module.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_decision_is_kept_for_every_retry_so_a_message_never_reaches_two_mailboxes()
    {
        var router = StartRouter();
        Offer(router, Received("gsm-1", 4, Deliver("for alice only", from: "+420777100004")));
        await _autoClip.ExpectMsgAsync<LookupReplyOwner>(Wait);
        _autoClip.Reply(new ReplyOwner("+420777100004", "gsm-1", "alice"));
        var first = await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait);
        _mailboxes.Reply(new MailboxFull(first.DeliveryId, "full"));
        Assert.Equal("alice", (await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait)).User);
        await _autoClip.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_dropped_SMS_is_recorded_in_the_ledger_before_its_SIM_copy_is_released()
    {
        var router = StartRouter();
        var sms = Received("gsm-1", 5, Deliver("spam", from: "+420777200001"));
        Offer(router, sms);
        var keep = await _ledger.ExpectMsgAsync<KeepSms>(Wait);
        Assert.Equal(KeptReason.Dropped, keep.Record.Reason);
        Assert.Equal(0, keep.Record.RuleIndex);
        Assert.Equal("+420777200001", keep.Record.Sender);
        Assert.Equal("spam", keep.Record.Text);
        Assert.Equal(Stamp, keep.Record.Timestamp);
        await _module.ExpectNoMsgAsync(Quiet);
        _ledger.Reply(new SmsKept(keep.Record.DeliveryId));
        await _module.ExpectMsgAsync(new ConfirmStored("gsm-1", sms.ReceiptId), Wait);
        await _mailboxes.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task An_undecodable_message_is_kept_with_its_raw_PDU_and_problem_then_released()
    {
        var router = StartRouter();
        router.Tell(new UndecodableSmsReceived("gsm-1", "gsm-1:9:abc", "07FFFF", "TP-MTI 11 is reserved", 9, 1), _module);
        var keep = await _ledger.ExpectMsgAsync<KeepSms>(Wait);
        Assert.Equal(KeptReason.Undecodable, keep.Record.Reason);
        Assert.Equal("07FFFF", keep.Record.PduHex);
        Assert.Equal("TP-MTI 11 is reserved", keep.Record.Problem);
        _ledger.Reply(new SmsNotKept(keep.Record.DeliveryId, "journal failure"));
        var again = await _ledger.ExpectMsgAsync<KeepSms>(Wait);
        _ledger.Reply(new SmsKept(again.Record.DeliveryId));
        await _module.ExpectMsgAsync(new ConfirmStored("gsm-1", "gsm-1:9:abc"), Wait);
    }

    [Fact]
    public async Task Status_reports_go_on_to_the_outgoing_router_as_they_came()
    {
        var router = StartRouter();
        var report = new StatusReportReceived("gsm-1", new SmsStatusReport(42, new SmsAddress(AddressType.International, "+420777123456"), Stamp, Stamp, 0), "job-1", 0);
        router.Tell(report, _module);
        Assert.Equal(report, await _statusReports.ExpectMsgAsync<StatusReportReceived>(Wait));
        Assert.Equal(_module.Ref, _statusReports.LastSender);
    }

    [Fact]
    public async Task After_a_restart_the_same_parts_offered_again_make_the_same_delivery_id()
    {
        SmsReceived Part(int index, int seq) => Received("gsm-2", index, Deliver($"p{seq} ", concat: new ConcatInfo(5, 2, seq)));
        var before = StartRouter();
        Offer(before, Part(1, 1));
        Offer(before, Part(2, 2));
        var first = await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait);
        await WatchAndStopAsync(before);

        var after = StartRouter();
        Offer(after, Part(2, 2)); // after a restart the SIM is listed: another order
        Offer(after, Part(1, 1));
        Assert.Equal(first.DeliveryId, (await _mailboxes.ExpectMsgAsync<DeliverSms>(Wait)).DeliveryId);
    }

    private async Task WatchAndStopAsync(IActorRef actor)
    {
        var watcher = CreateTestProbe();
        watcher.Watch(actor);
        Sys.Stop(actor);
        await watcher.ExpectTerminatedAsync(actor, Wait);
    }
}

using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Gateway.Modem;
using Gateway.Sms;
using Xunit;

namespace Gateway.Tests.Modem;

/// <summary>
/// The modem messages a router on one node exchanges with a module on another come back from the
/// modem serializer as they were written: every field, zone offsets, nulls, empty arrays, and
/// actor references that resolve to the same actor.
/// </summary>
public class ModemMessageSerializerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 2, 30, 0, TimeSpan.FromHours(1));

    public ModemMessageSerializerTests() : base(ConfigurationFactory.ParseString(ModemSerializer.Hocon)) { }

    private T RoundTrip<T>(T o) where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(o);
        Assert.IsType<ModemSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, o);
        return Assert.IsType<T>(Sys.Serialization.Deserialize(serializer.ToBinary(o), serializer.Identifier, manifest));
    }

    [Fact]
    public void A_send_comes_back_with_every_part_as_it_was_planned()
    {
        Assert.True(TextPlanner.TryPlan(new string('é', 80) + " a zpět 😀", new SmsEncodingOptions(AllowUnicode: true, AllowConcatenation: true, MaxParts: 6), out var plan, out _));
        var parts = TextPlanner.ToSubmits(plan!, SmsAddress.International(PhoneNumber.Parse("+420777123456")), 0x42, statusReport: true, TimeSpan.FromHours(12));
        var eightBit = new SmsSubmit(7, new SmsAddress(AddressType.National, "777123456"), SmsCoding.EightBit, "00FF", [0x00, 0xFF], null, false, null, MessageClass.Class1);
        var send = new SendSms("gsm-1", "job-1", [.. parts, eightBit]);

        var back = RoundTrip(send);
        Assert.Equal((send.Module, send.JobId), (back.Module, back.JobId));
        Assert.Equal(send.Parts.Count, back.Parts.Count);
        foreach (var (sent, read) in send.Parts.Zip(back.Parts))
        {
            Assert.Equal(sent with { Data = [] }, read with { Data = [] });
            Assert.Equal(sent.Data.ToArray(), read.Data.ToArray());
        }
        Assert.Equal(2, back.Parts[0].Concat!.Total);
        Assert.False(back.RecordFollows);

        var recorded = RoundTrip(send with { RecordFollows = true });
        Assert.True(recorded.RecordFollows);
        Assert.Equal(send.Parts.Count, recorded.Parts.Count);
        Assert.Equal(new SentRecorded("gsm-1", "job-1"), RoundTrip(new SentRecorded("gsm-1", "job-1")));
    }

    [Fact]
    public void Send_outcomes_come_back_with_their_references_and_reasons()
    {
        var sent = RoundTrip(new SmsSent("gsm-1", "job-1", [0, 17, 255]));
        Assert.Equal([0, 17, 255], sent.MessageReferences.ToArray());

        var failed = RoundTrip(new SmsSendFailed("gsm-2", "job-2", [3], "+CMS ERROR: 38 (network out of order)", Retryable: true, ModuleAtLimit: true));
        Assert.Equal(("gsm-2", "job-2", "+CMS ERROR: 38 (network out of order)", true, true), (failed.Module, failed.JobId, failed.Reason, failed.Retryable, failed.ModuleAtLimit));
        Assert.Equal([3], failed.SentReferences.ToArray());
        Assert.Empty(RoundTrip(new SmsSendFailed("gsm-2", "job-3", [], "refused", false)).SentReferences);
    }

    [Fact]
    public void A_module_status_comes_back_whole_with_and_without_its_optional_parts()
    {
        var full = new ModuleStatus("gsm-1", "tcp 127.0.0.1:7100", ModuleState.Ready, At, true, 20, -73, "Virtual", 3, 1, 2, "earlier trouble",
            NeedsOperator: false, ReopenAt: At.AddMinutes(1), Usage: new ModuleUsageStatus(5, 50, 95, null, At.AddSeconds(2)));
        Assert.Equal(full, RoundTrip(full));
        var bare = new ModuleStatus("gsm-2", "virtual +420600000002", ModuleState.Down, At, false, null, null, null, 0, 0, 0, null, NeedsOperator: true);
        Assert.Equal(bare, RoundTrip(bare));
        Assert.Equal(At.Offset, RoundTrip(full).Since.Offset);

        var bank = new ModemBankStatus(ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("gsm-1", full), KeyValuePair.Create("gsm-2", bare)]));
        Assert.Equal(bank.Modules.ToArray(), RoundTrip(bank).Modules.ToArray());
        Assert.Same(GetModemBankStatus.Instance, RoundTrip(GetModemBankStatus.Instance));
        Assert.Equal(new GetModuleStatus("gsm-1"), RoundTrip(new GetModuleStatus("gsm-1")));
        Assert.Equal(new ModuleStopping("gsm-1"), RoundTrip(new ModuleStopping("gsm-1")));
    }

    [Fact]
    public void A_subscription_names_the_same_subscriber_after_the_trip()
    {
        var probe = CreateTestProbe();
        Assert.Equal(probe.Ref, RoundTrip(new SubscribeModuleStatus(probe.Ref)).Subscriber);
        Assert.Equal(probe.Ref, RoundTrip(new UnsubscribeModuleStatus(probe.Ref)).Subscriber);
    }

    [Fact]
    public void Received_messages_and_status_reports_come_back_as_the_module_read_them()
    {
        var deliver = new SmsDeliver(new SmsAddress(AddressType.Alphanumeric, "Bank"), At, SmsCoding.Ucs2, MessageClass.None, "Ahoj 😀",
            [0x00, 0x41], new ConcatInfo(300, 3, 2, SixteenBitReference: true), "+420603052000", StatusReportIndication: true, ProtocolIdentifier: 0x41);
        var received = RoundTrip(new SmsReceived("gsm-1", "gsm-1/3/abc", deliver, "0791", 3, 2));
        Assert.Equal(deliver with { Data = [] }, received.Sms with { Data = [] });
        Assert.Equal(deliver.Data.ToArray(), received.Sms.Data.ToArray());
        Assert.Equal(("gsm-1", "gsm-1/3/abc", "0791", (int?)3, 2), (received.Module, received.ReceiptId, received.PduHex, received.SimIndex, received.Offer));

        var garbage = new UndecodableSmsReceived("gsm-1", "gsm-1/cmt/def", "FFFF", "truncated user data", null, 1);
        Assert.Equal(garbage, RoundTrip(garbage));
        Assert.Equal(new ConfirmStored("gsm-1", "r1"), RoundTrip(new ConfirmStored("gsm-1", "r1")));

        var report = new StatusReportReceived("gsm-1", new SmsStatusReport(255, SmsAddress.International(PhoneNumber.Parse("+420777123456")), At, At.AddSeconds(5), 0x46), "job-1", 1);
        Assert.Equal(report, RoundTrip(report));
        var unmatched = report with { JobId = null, PartIndex = null, Report = report.Report with { ServiceCentre = "+420603052000" } };
        Assert.Equal(unmatched, RoundTrip(unmatched));
    }

    [Fact]
    public void An_unknown_manifest_is_a_clear_error_and_an_unknown_type_is_refused()
    {
        var serializer = new ModemSerializer((ExtendedActorSystem)Sys);
        var e = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "M99"));
        Assert.Contains("M99", e.Message);
        Assert.Throws<ArgumentException>(() => serializer.Manifest("not a modem message"));
    }
}

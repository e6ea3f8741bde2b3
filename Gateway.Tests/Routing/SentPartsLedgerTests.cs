using System.Collections.Immutable;
using Gateway.Routing;
using Gateway.Sms;
using Xunit;

namespace Gateway.Tests.Routing;

/// <summary>The sent-parts index's state alone: TP-MR matching, per-part outcomes, resolutions owed to mailboxes.</summary>
public class SentPartsLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(1));
    private const string Phone = "+420777123456";

    private static SentPartsLedger Sent(SentPartsLedger l, string job, params int[] refs) =>
        l.Apply(new PartsSent("alice", job, Phone, "Ahoj", [.. refs], T0));

    private static SmsStatusReport Report(int mr, int status, string recipient = Phone) =>
        new(mr, new SmsAddress(AddressType.International, recipient), T0, T0.AddSeconds(5), status);

    private static SentPartsLedger Reported(SentPartsLedger l, int mr, int status) =>
        l.Apply(new PartReported(mr, l.Parts[mr].JobId, status, T0.AddSeconds(5), T0.AddSeconds(6)));

    [Fact]
    public void A_job_is_delivered_only_when_every_part_is()
    {
        var l = Sent(SentPartsLedger.Empty("gsm-1"), "job-1", 7, 8, 9);
        l = Reported(l, 7, 0x00);
        l = Reported(l, 9, 0x00);
        Assert.Empty(l.Unreported);
        l = Reported(l, 8, 0x00);
        var owed = Assert.Single(l.Unreported.Values);
        Assert.Equal(("job-1", true, "gsm-1"), (owed.JobId, owed.Delivered, owed.Module));
        Assert.Contains("(all 3 parts)", owed.Detail);
    }

    [Fact]
    public void One_failed_part_fails_the_job_and_later_reports_of_it_change_nothing()
    {
        var l = Sent(SentPartsLedger.Empty("gsm-1"), "job-1", 7, 8);
        l = Reported(l, 8, 0x46);
        var owed = Assert.Single(l.Unreported.Values);
        Assert.False(owed.Delivered);
        Assert.Equal("part 2 of 2 not delivered: validity period expired (status 0x46)", owed.Detail);
        Assert.IsType<ReportMatch.AlreadyResolved>(l.Match(Report(7, 0x00), null));
    }

    [Fact]
    public void A_report_is_matched_by_TP_MR_without_the_job_id_and_refused_for_another_recipient()
    {
        var l = Sent(SentPartsLedger.Empty("gsm-1"), "job-1", 42);
        Assert.Equal("job-1", Assert.IsType<ReportMatch.Part>(l.Match(Report(42, 0), jobId: null)).Sent.JobId);
        Assert.Equal("job-1", Assert.IsType<ReportMatch.Part>(l.Match(Report(42, 0, recipient: "777123456"), null)).Sent.JobId);
        Assert.Contains("the report is for +420777000999", Assert.IsType<ReportMatch.Unmatched>(l.Match(Report(42, 0, "+420777000999"), null)).Reason);
        Assert.Contains("the module says job job-2", Assert.IsType<ReportMatch.Unmatched>(l.Match(Report(42, 0), "job-2")).Reason);
        Assert.Contains("TP-MR 43", Assert.IsType<ReportMatch.Unmatched>(l.Match(Report(43, 0), null)).Reason);
    }

    [Fact]
    public void A_newer_send_under_the_same_TP_MR_replaces_the_older_so_the_index_stays_bounded()
    {
        var l = SentPartsLedger.Empty("gsm-1");
        for (var i = 0; i < 1000; i++) l = Sent(l, $"job-{i}", i % 256);
        Assert.Equal(256, l.Parts.Count);
        Assert.Equal("job-999", l.Parts[999 % 256].JobId);
    }

    [Fact]
    public void The_part_table_is_immutable_counts_slots_once_and_lists_in_TP_MR_order()
    {
        SentPart Part(string job, int index) => new("alice", job, index, 2, Phone, "Ahoj", T0, PartOutcome.Pending, null, false);
        var first = PartTable.Empty.With([new(200, Part("job-1", 0)), new(3, Part("job-1", 1))]);
        var second = first.With(200, Part("job-2", 0));
        Assert.Equal(2, first.Count);
        Assert.Equal(2, second.Count);
        Assert.Equal("job-1", first[200].JobId); // the earlier table is unchanged
        Assert.Equal("job-2", second[200].JobId);
        Assert.Equal([3, 200], second.Keys);
        Assert.Equal([3], second.OfJob("job-1").Select(p => p.Key));
        Assert.False(second.TryGetValue(256, out _));
        Assert.False(second.ContainsKey(-1));
        Assert.Throws<KeyNotFoundException>(() => second[4]);
        Assert.Throws<ArgumentOutOfRangeException>(() => second.With(256, Part("job-3", 0)));
    }

    [Fact]
    public void A_job_sent_twice_through_one_module_is_delivered_when_every_part_is_by_either_send()
    {
        // A job offered again after a crash may go twice: four entries for a job of two parts.
        var l = Sent(SentPartsLedger.Empty("gsm-1"), "job-1", 10, 11);
        l = Sent(l, "job-1", 12, 13);
        Assert.Equal(4, l.Parts.OfJob("job-1").Count);
        l = Reported(l, 12, 0x00);
        Assert.Empty(l.Unreported);
        l = Reported(l, 11, 0x00);
        Assert.True(Assert.Single(l.Unreported.Values).Delivered);
        Assert.All(l.Parts.OfJob("job-1"), p => Assert.True(p.Value.Resolved));
    }

    [Fact]
    public void A_part_the_modem_gave_no_TP_MR_is_not_indexed_and_its_job_never_counts_as_delivered()
    {
        var l = Sent(SentPartsLedger.Empty("gsm-1"), "job-1", 5, -1);
        Assert.Single(l.Parts);
        l = Reported(l, 5, 0);
        Assert.Empty(l.Unreported);
    }

    [Fact]
    public void A_resolution_is_owed_until_reported_and_the_oldest_goes_beyond_the_bound()
    {
        var l = Sent(SentPartsLedger.Empty("gsm-1"), "job-1", 1);
        l = Reported(l, 1, 0);
        Assert.True(l.Unreported.ContainsKey("job-1"));
        l = l.Apply(new ResolutionReported("job-1"));
        Assert.Empty(l.Unreported);
        l = Sent(l, "job-2", 2);
        l = Sent(l, "job-3", 3);
        l = Reported(Reported(l, 2, 0), 3, 0x46);
        Assert.Equal(2, l.Unreported.Count);
        l = l.Apply(new ResolutionsReported(["job-2", "job-3", "job-unknown"])); // paid in one event; an unknown id changes nothing
        Assert.Empty(l.Unreported);

        for (var i = 0; i < SentPartsLedger.MaxUnreported + 5; i++)
        {
            l = Sent(l, $"job-{i}", i % 256);
            l = l.Apply(new PartReported(i % 256, $"job-{i}", 0, T0, T0.AddSeconds(i)));
        }
        Assert.Equal(SentPartsLedger.MaxUnreported, l.Unreported.Count);
        Assert.False(l.Unreported.ContainsKey("job-0"));
    }

    [Theory]
    [InlineData("+420777123456", "+420777123456", true)]
    [InlineData("777123456", "+420777123456", true)]
    [InlineData("00420777123456", "+420777123456", true)]
    [InlineData("123456", "+420777123456", true)]
    [InlineData("23456", "+420777123456", false)]
    [InlineData("+420777123457", "+420777123456", false)]
    public void A_reported_recipient_written_nationally_is_the_same_number(string reported, string sent, bool same) =>
        Assert.Equal(same, SentPartsLedger.SameNumber(reported, sent));

    [Theory]
    [InlineData(0x00, DeliveryOutcome.Delivered, "received by the phone (status 0x00)")]
    [InlineData(0x21, DeliveryOutcome.Pending, "the phone is busy, still trying (status 0x21)")]
    [InlineData(0x41, DeliveryOutcome.Failed, "incompatible destination (status 0x41)")]
    [InlineData(0x7F, DeliveryOutcome.Failed, "the service centre gave up (status 0x7F)")]
    public void Status_values_are_read_as_delivered_pending_or_failed_and_described(int status, DeliveryOutcome outcome, string text)
    {
        Assert.Equal(outcome, StatusReportText.Outcome(status));
        Assert.Equal(text, StatusReportText.Describe(status));
    }

    [Fact]
    public void A_preview_keeps_the_start_of_a_long_text()
    {
        Assert.Equal("short", PartsSent.PreviewOf("short"));
        var preview = PartsSent.PreviewOf(new string('x', 200));
        Assert.Equal(PartsSent.PreviewLength + 1, preview.Length);
        Assert.EndsWith("…", preview);
    }

    [Fact]
    public void Unknown_events_leave_the_ledger_as_it_was()
    {
        var l = Sent(SentPartsLedger.Empty("gsm-1"), "job-1", 1);
        Assert.Same(l, l.Apply(new SentPartsLedger("x", PartTable.Empty, ImmutableDictionary<string, JobResolution>.Empty)));
    }
}

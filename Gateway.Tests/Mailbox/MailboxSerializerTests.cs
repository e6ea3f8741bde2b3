using System.Collections.Immutable;
using System.Text;
using Akka.Configuration;
using Akka.Serialization;
using FsCheck.Xunit;
using Gateway.Configuration;
using Gateway.Mailbox;
using Gateway.Sms;
using Xunit;

namespace Gateway.Tests.Mailbox;

public class MailboxSerializerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 12, 0, 0, TimeSpan.FromHours(1));

    public MailboxSerializerTests() : base(ConfigurationFactory.ParseString(MailboxSerializer.Hocon)) { }

    private object RoundTrip(object o)
    {
        var serializer = Sys.Serialization.FindSerializerFor(o);
        Assert.IsType<MailboxSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, o);
        return Sys.Serialization.Deserialize(serializer.ToBinary(o), serializer.Identifier, manifest);
    }

    private static readonly OutgoingSms Sms = new("job-1", "alice", "+420777123456", "Ahoj, jak se máš? 😀", SmsCoding.Ucs2, 2,
        At, "<m1@example.net>", "Re: lunch", ["attachment ignored: a.pdf"]);

    private static readonly IncomingSms Incoming = new(SmsAddress.Alphanumeric("My Bank"), At, "Kód: 1234", "gsm-1", "operator-a", null, 1);

    private static readonly ImmutableArray<byte> Body = [.. Encoding.UTF8.GetBytes("Subject: x\r\n\r\nžluťoučký\r\n")];

    /// <summary>One sample of every type the serializer is bound to; a new type without a sample fails the test below.</summary>
    public static IEnumerable<object[]> Samples() => new object[]
    {
        new InboxMessageStored(new InboxMessage(7, At, "sim-1", Body)),
        new InboxMessageStored(new InboxMessage(8, At, null, [])),
        new InboxMessagesDeleted([1, 5, long.MaxValue]),
        new OutgoingJobsAccepted("sub-1", [Sms, Sms with { JobId = "job-2", MessageId = null, Subject = null, Notes = [] }]),
        new JobProgressed("job-1", JobStatus.Sent("gsm-2", [0, 255, 65535], At)),
        new JobProgressed("job-1", JobStatus.Failed("no credit", At, "gsm-1")),
        new SubmitOutgoing("alice", "sub-1", [Sms]),
        new DeliverSms("alice", "sim-9", Incoming),
        new DeliverSms("alice", "sim-9", Incoming with { Sender = new SmsAddress(AddressType.International, "+420777123456"), SimNumber = "+420600000001" }),
        new DeliverSms("alice", "sim-9", Incoming with { Parts = 2, MissingParts = [2, 4] }),
        new DeliverMail("alice", "bounce-1", Body),
        new RecordJobProgress("alice", "job-1", JobStatus.Sending("gsm-1", At)),
        new GetOutgoingJobs("alice"),
        new GetMailboxStatus("alice"),
        new WakeMailbox("alice"),
        new LockMaildrop("alice", "pop3-1 127.0.0.1:5000"),
        new FetchMessages("alice", [3, 4]),
        new CommitDeletions("alice", [3]),
        new ReleaseMaildrop("alice"),
        new OutgoingAccepted("sub-1", ["job-1", "job-2"]),
        new OutgoingRefused("sub-1", "full"),
        new OutgoingJobQueued(Sms),
        new JobProgressRecorded("job-1", JobState.Delivered),
        new JobProgressRefused("job-1", "no such job"),
        new OutgoingJobsResult("alice", [new OutgoingJobRecord(Sms, "sub-1", 3, [JobStatus.Queued(At), JobStatus.Sending("gsm-1", At)])]),
        new SmsStored("sim-9", "1.17"),
        new MailStored("bounce-1", "2.17"),
        new MailboxFull("sim-9", "max-messages"),
        new DeliveryFailed("sim-9", "journal"),
        new MailboxStatus("alice", 3, 1234, 1, 2, "pop3-1"),
        new MailboxStatus("alice", 0, 0, 0, 0, null),
        new NoSuchMailbox("mallory"),
        new MaildropLocked("alice", [new MaildropEntry(1, "1.17", 513), new MaildropEntry(2, "2.17", 1)]),
        new MaildropInUse("alice", "pop3-2"),
        new MessagesFetched("alice", [new FetchedMessage(1, Body)]),
        new DeletionsCommitted("alice", 4),
        new CommitFailed("alice", "journal"),
        new MaildropNotLocked("alice"),
        Build(MailboxState.Empty, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    }.Select(o => new[] { o });

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_mailbox_type_round_trips_through_the_binary_serializer(object sample)
    {
        var back = RoundTrip(sample);
        Assert.Equal(sample.GetType(), back.GetType());
        Assert.Equal(Describe(sample), Describe(back));
    }

    [Fact]
    public void Every_type_marked_for_the_mailbox_serializer_has_a_sample()
    {
        var marked = typeof(IMailboxSerializable).Assembly.GetTypes()
            .Where(t => typeof(IMailboxSerializable).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false });
        var sampled = Samples().Select(s => s[0].GetType()).ToHashSet();
        Assert.Empty(marked.Where(t => !sampled.Contains(t)).Select(t => t.Name));
    }

    [Fact]
    public void Corrupt_data_is_refused_with_an_exception_not_a_wrong_value()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new WakeMailbox("x"));
        var good = serializer.ToBinary(new MessagesFetched("alice", [new FetchedMessage(1, Body)]));
        Assert.ThrowsAny<Exception>(() => serializer.FromBinary(good[..^5], "R15"));
        Assert.ThrowsAny<Exception>(() => serializer.FromBinary(good, "no-such-manifest"));
    }

    /// <summary>Any sequence of operations gives a state that survives a snapshot round trip unchanged.</summary>
    [Property(MaxTest = 100)]
    public bool A_snapshot_of_any_state_reads_back_the_same(byte[] operations)
    {
        var state = Build(MailboxState.Empty, operations);
        return Describe(state) == Describe(RoundTrip(state));
    }

    /// <summary>The bookkeeping numbers always agree with the contents, whatever happened.</summary>
    [Property(MaxTest = 200)]
    public bool Counters_always_agree_with_the_contents(byte[] operations)
    {
        var s = Build(MailboxState.Empty, operations);
        return s.InboxBytes == s.Inbox.Values.Sum(m => (long)m.Size)
               && s.PendingJobs == s.Jobs.Values.Count(j => j.Status.IsPending)
               && s.FinishedJobs.Count == s.Jobs.Values.Count(j => j.Status.IsFinal)
               && s.FinishedJobs.Count <= 3
               && s.Inbox.Keys.All(n => n < s.NextNumber)
               && s.Inbox.Values.Where(m => m.DeliveryId is not null).All(m => s.DeliveryIds[m.DeliveryId!] == m.Uid);
    }

    /// <summary>Interprets bytes as mailbox operations (store, delete, submit, progress) through the real decisions.</summary>
    internal static MailboxState Build(MailboxState s, IEnumerable<byte> operations)
    {
        var limits = MailboxSettings.Default with { MaxFinishedJobs = 3 };
        var i = 0;
        foreach (var op in operations)
        {
            i++;
            var at = At.AddSeconds(i);
            IMailboxEvent? e = (op % 6) switch
            {
                0 or 1 => (s.DecideDelivery(op % 3 == 0 ? null : $"d{op % 17}", [.. Encoding.UTF8.GetBytes($"Subject: {op}\r\n\r\n{new string('x', op)}\r\n")], at, limits)
                    as DeliveryDecision.Store)?.Event,
                2 => s.DecideDeletions(s.Inbox.Keys.Where(n => n % 3 == op % 3)),
                3 => (s.DecideSubmission(new SubmitOutgoing("alice", $"s{i}", [MailboxStateTests.Job($"j{i}"), MailboxStateTests.Job($"k{i}")]), "alice", limits)
                    as SubmissionDecision.Accept)?.Event,
                _ => s.Jobs.Count == 0 ? null : (s.DecideProgress(s.Jobs.Keys.Order().ElementAt(op % s.Jobs.Count), (op % 4) switch
                {
                    0 => JobStatus.Sending("gsm-1", at),
                    1 => JobStatus.Sent("gsm-1", [op], at),
                    2 => JobStatus.Delivered(at),
                    _ => JobStatus.Failed("no", at),
                }) as ProgressDecision.Record)?.Event,
            };
            if (e is not null) s = s.Apply(e, limits.MaxFinishedJobs);
        }
        return s;
    }

    /// <summary>A canonical text of a value, deep enough to compare contents (records with collections compare by reference).</summary>
    internal static string Describe(object? o) => o switch
    {
        null => "null",
        string s => $"\"{s}\"",
        ImmutableArray<byte> b => b.IsDefault ? "bytes:default" : $"bytes:{Convert.ToHexString(b.AsSpan())}",
        MailboxState s => string.Join("\n",
            $"next={s.NextNumber} bytes={s.InboxBytes} nextJob={s.NextJobOrder} pending={s.PendingJobs} deleted={s.DeletedDeliveryCount}",
            "inbox:" + Describe(s.Inbox.Values.ToArray()),
            "deliveries:" + string.Join(",", s.DeliveryIds.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")),
            "forgettable:" + string.Join(",", s.DeletedDeliveryIds),
            "jobs:" + Describe(s.Jobs.Values.OrderBy(j => j.Order).ToArray()),
            "finished:" + string.Join(",", s.FinishedJobs.Select(p => $"{p.Key}={p.Value}"))),
        System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Describe)) + "]",
        _ when o.GetType().IsEnum || o.GetType().IsPrimitive || o is DateTimeOffset => Convert.ToString(o is DateTimeOffset d ? d.ToString("O") : o, System.Globalization.CultureInfo.InvariantCulture)!,
        _ => o.GetType().Name + "{" + string.Join(", ", o.GetType().GetProperties()
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name is not ("EqualityContract" or "PartReferences"))
            .Select(p => $"{p.Name}={Describe(p.GetValue(o))}")) + "}",
    };
}

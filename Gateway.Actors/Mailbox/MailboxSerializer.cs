using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Gateway.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;
using Gateway.Sms;

namespace Gateway.Mailbox;

/// <summary>
/// Compact binary form of every <see cref="IMailboxSerializable"/>: journal events, the snapshot
/// (<see cref="MailboxState"/>) and the mailbox messages that cross the cluster. Message bodies
/// are written as raw length-prefixed bytes (a 10,000-message snapshot is about the size of the
/// mail itself, and reading it is a few copies, not a JSON parse). Each type has a short manifest
/// with a version digit, so a format can change later without breaking stored journals.
/// Bound in HOCON (see <see cref="Hocon"/>).
/// </summary>
public sealed class MailboxSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>This serializer's id in <c>akka.actor.serialization-identifiers</c>; stored with every event, never change it.</summary>
    public const int Id = 4101;

    /// <summary>Binds this serializer to <see cref="IMailboxSerializable"/>.</summary>
    public const string Hocon = """
        akka.actor {
          serializers.gateway-mailbox = "Gateway.Mailbox.MailboxSerializer, Gateway.Actors"
          serialization-bindings { "Gateway.Mailbox.IMailboxSerializable, Gateway.Actors" = gateway-mailbox }
          serialization-identifiers { "Gateway.Mailbox.MailboxSerializer, Gateway.Actors" = 4101 }
        }
        """;

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        InboxMessageStored => "E1",
        InboxMessagesDeleted => "E2",
        OutgoingJobsAccepted => "E3",
        JobProgressed => "E4",
        MailboxState => "S1",
        SubmitOutgoing => "C1",
        DeliverSms => "C2",
        DeliverMail => "C3",
        RecordJobProgress => "C4",
        GetOutgoingJobs => "C5",
        GetMailboxStatus => "C6",
        WakeMailbox => "C7",
        LockMaildrop => "C8",
        FetchMessages => "C9",
        CommitDeletions => "C10",
        ReleaseMaildrop => "C11",
        OutgoingAccepted => "R1",
        OutgoingRefused => "R2",
        OutgoingJobQueued => "R3",
        JobProgressRecorded => "R4",
        JobProgressRefused => "R5",
        OutgoingJobsResult => "R6",
        SmsStored => "R7",
        MailStored => "R8",
        MailboxFull => "R9",
        DeliveryFailed => "R10",
        MailboxStatus => "R11",
        NoSuchMailbox => "R12",
        MaildropLocked => "R13",
        MaildropInUse => "R14",
        MessagesFetched => "R15",
        DeletionsCommitted => "R16",
        CommitFailed => "R17",
        MaildropNotLocked => "R18",
        _ => throw new ArgumentException($"{o.GetType()} is not written by {nameof(MailboxSerializer)}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        var size = obj switch
        {
            MailboxState s => (int)Math.Min(int.MaxValue / 2, s.InboxBytes + s.Inbox.Count * 32L + s.Jobs.Count * 256L + 64),
            InboxMessageStored e => e.Message.Size + 64,
            _ => 256,
        };
        using var stream = new MemoryStream(size);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            Write(w, obj);
        return stream.GetBuffer().AsSpan(0, (int)stream.Length).ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        return manifest switch
        {
            "E1" => new InboxMessageStored(ReadInboxMessage(r)),
            "E2" => new InboxMessagesDeleted(ReadLongs(r)),
            "E3" => new OutgoingJobsAccepted(r.ReadString(), r.ReadList(ReadOutgoingSms)),
            "E4" => new JobProgressed(r.ReadString(), ReadJobStatus(r)),
            "S1" => ReadState(r),
            "C1" => new SubmitOutgoing(r.ReadString(), r.ReadString(), r.ReadList(ReadOutgoingSms)),
            "C2" => new DeliverSms(r.ReadString(), r.ReadString(), ReadIncomingSms(r)),
            "C3" => new DeliverMail(r.ReadString(), r.ReadString(), r.ReadLengthPrefixedBytes()),
            "C4" => new RecordJobProgress(r.ReadString(), r.ReadString(), ReadJobStatus(r)),
            "C5" => new GetOutgoingJobs(r.ReadString()),
            "C6" => new GetMailboxStatus(r.ReadString()),
            "C7" => new WakeMailbox(r.ReadString()),
            "C8" => new LockMaildrop(r.ReadString(), r.ReadString()),
            "C9" => new FetchMessages(r.ReadString(), ReadLongs(r)),
            "C10" => new CommitDeletions(r.ReadString(), ReadLongs(r)),
            "C11" => new ReleaseMaildrop(r.ReadString()),
            "R1" => new OutgoingAccepted(r.ReadString(), r.ReadStrings()),
            "R2" => new OutgoingRefused(r.ReadString(), r.ReadString()),
            "R3" => new OutgoingJobQueued(ReadOutgoingSms(r)),
            "R4" => new JobProgressRecorded(r.ReadString(), (JobState)r.ReadByte()),
            "R5" => new JobProgressRefused(r.ReadString(), r.ReadString()),
            "R6" => new OutgoingJobsResult(r.ReadString(), r.ReadList(ReadJobRecord)),
            "R7" => new SmsStored(r.ReadString(), r.ReadString()),
            "R8" => new MailStored(r.ReadString(), r.ReadString()),
            "R9" => new MailboxFull(r.ReadString(), r.ReadString()),
            "R10" => new DeliveryFailed(r.ReadString(), r.ReadString()),
            "R11" => new MailboxStatus(r.ReadString(), r.Read7BitEncodedInt(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt(),
                r.Read7BitEncodedInt(), r.ReadNullableString()),
            "R12" => new NoSuchMailbox(r.ReadString()),
            "R13" => new MaildropLocked(r.ReadString(), r.ReadList(x => new MaildropEntry(x.Read7BitEncodedInt64(), x.ReadString(), x.Read7BitEncodedInt()))),
            "R14" => new MaildropInUse(r.ReadString(), r.ReadString()),
            "R15" => new MessagesFetched(r.ReadString(), r.ReadList(x => new FetchedMessage(x.Read7BitEncodedInt64(), x.ReadLengthPrefixedBytes()))),
            "R16" => new DeletionsCommitted(r.ReadString(), r.Read7BitEncodedInt()),
            "R17" => new CommitFailed(r.ReadString(), r.ReadString()),
            "R18" => new MaildropNotLocked(r.ReadString()),
            _ => throw new SerializationException($"unknown mailbox manifest \"{manifest}\""),
        };
    }

    private static void Write(BinaryWriter w, object o)
    {
        switch (o)
        {
            case InboxMessageStored e: WriteInboxMessage(w, e.Message); break;
            case InboxMessagesDeleted e: WriteLongs(w, e.Numbers); break;
            case OutgoingJobsAccepted e: w.Write(e.SubmissionId); w.WriteList(e.Jobs, WriteOutgoingSms); break;
            case JobProgressed e: w.Write(e.JobId); WriteJobStatus(w, e.Status); break;
            case MailboxState s: WriteState(w, s); break;
            case SubmitOutgoing c: w.Write(c.User); w.Write(c.SubmissionId); w.WriteList(c.Jobs, WriteOutgoingSms); break;
            case DeliverSms c: w.Write(c.User); w.Write(c.DeliveryId); WriteIncomingSms(w, c.Sms); break;
            case DeliverMail c: w.Write(c.User); w.Write(c.DeliveryId); w.WriteLengthPrefixedBytes(c.Message); break;
            case RecordJobProgress c: w.Write(c.User); w.Write(c.JobId); WriteJobStatus(w, c.Status); break;
            case GetOutgoingJobs c: w.Write(c.User); break;
            case GetMailboxStatus c: w.Write(c.User); break;
            case WakeMailbox c: w.Write(c.User); break;
            case LockMaildrop c: w.Write(c.User); w.Write(c.SessionId); break;
            case FetchMessages c: w.Write(c.User); WriteLongs(w, c.Numbers); break;
            case CommitDeletions c: w.Write(c.User); WriteLongs(w, c.Numbers); break;
            case ReleaseMaildrop c: w.Write(c.User); break;
            case OutgoingAccepted m: w.Write(m.SubmissionId); w.WriteStrings(m.JobIds); break;
            case OutgoingRefused m: w.Write(m.SubmissionId); w.Write(m.Reason); break;
            case OutgoingJobQueued m: WriteOutgoingSms(w, m.Job); break;
            case JobProgressRecorded m: w.Write(m.JobId); w.Write((byte)m.State); break;
            case JobProgressRefused m: w.Write(m.JobId); w.Write(m.Reason); break;
            case OutgoingJobsResult m: w.Write(m.User); w.WriteList(m.Jobs, WriteJobRecord); break;
            case SmsStored m: w.Write(m.DeliveryId); w.Write(m.Uid); break;
            case MailStored m: w.Write(m.DeliveryId); w.Write(m.Uid); break;
            case MailboxFull m: w.Write(m.DeliveryId); w.Write(m.Reason); break;
            case DeliveryFailed m: w.Write(m.DeliveryId); w.Write(m.Reason); break;
            case MailboxStatus m:
                w.Write(m.User); w.Write7BitEncodedInt(m.Messages); w.Write7BitEncodedInt64(m.Bytes);
                w.Write7BitEncodedInt(m.PendingJobs); w.Write7BitEncodedInt(m.Jobs); w.WriteNullableString(m.LockedBy);
                break;
            case NoSuchMailbox m: w.Write(m.User); break;
            case MaildropLocked m:
                w.Write(m.User);
                w.WriteList(m.Messages, (x, e) => { x.Write7BitEncodedInt64(e.Number); x.Write(e.Uid); x.Write7BitEncodedInt(e.Size); });
                break;
            case MaildropInUse m: w.Write(m.User); w.Write(m.HeldBy); break;
            case MessagesFetched m: w.Write(m.User); w.WriteList(m.Messages, (x, f) => { x.Write7BitEncodedInt64(f.Number); x.WriteLengthPrefixedBytes(f.Content); }); break;
            case DeletionsCommitted m: w.Write(m.User); w.Write7BitEncodedInt(m.Deleted); break;
            case CommitFailed m: w.Write(m.User); w.Write(m.Reason); break;
            case MaildropNotLocked m: w.Write(m.User); break;
            default: throw new ArgumentException($"{o.GetType()} is not written by {nameof(MailboxSerializer)}", nameof(o));
        }
    }

    // ------------------------------------------------------------------ the snapshot

    private const byte StateFormat = 1;

    private static void WriteState(BinaryWriter w, MailboxState s)
    {
        w.Write(StateFormat);
        w.Write7BitEncodedInt64(s.NextNumber);
        w.Write7BitEncodedInt(s.Inbox.Count);
        foreach (var m in s.Inbox.Values) WriteInboxMessage(w, m);
        // Delivery ids of messages still in the inbox travel with the messages; only the
        // remembered ids of deleted messages are written here, oldest first, with their uid.
        w.Write7BitEncodedInt(s.DeletedDeliveryCount);
        foreach (var id in s.DeletedDeliveryIds)
        {
            w.Write(id);
            w.Write(s.DeliveryIds.GetValueOrDefault(id, ""));
        }
        w.Write7BitEncodedInt64(s.NextJobOrder);
        w.Write7BitEncodedInt(s.Jobs.Count);
        foreach (var job in s.Jobs.Values.OrderBy(j => j.Order)) WriteJobRecord(w, job);
    }

    private static MailboxState ReadState(BinaryReader r)
    {
        var format = r.ReadByte();
        if (format != StateFormat) throw new SerializationException($"unknown mailbox snapshot format {format}");
        var nextNumber = r.Read7BitEncodedInt64();
        var inbox = ImmutableSortedDictionary.CreateBuilder<long, InboxMessage>();
        var deliveries = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        long bytes = 0;
        var count = r.Read7BitEncodedInt();
        for (var i = 0; i < count; i++)
        {
            var m = ReadInboxMessage(r);
            inbox[m.Number] = m;
            bytes += m.Size;
            if (m.DeliveryId is not null) deliveries[m.DeliveryId] = m.Uid;
        }
        var deletedCount = r.Read7BitEncodedInt();
        var deleted = ImmutableQueue<string>.Empty;
        for (var i = 0; i < deletedCount; i++)
        {
            var id = r.ReadString();
            deleted = deleted.Enqueue(id);
            deliveries[id] = r.ReadString();
        }
        var nextJobOrder = r.Read7BitEncodedInt64();
        var jobs = ImmutableDictionary.CreateBuilder<string, OutgoingJobRecord>(StringComparer.Ordinal);
        var finished = ImmutableSortedDictionary.CreateBuilder<long, string>();
        var pending = 0;
        var jobCount = r.Read7BitEncodedInt();
        for (var i = 0; i < jobCount; i++)
        {
            var job = ReadJobRecord(r);
            jobs[job.Job.JobId] = job;
            if (job.Status.IsFinal) finished[job.Order] = job.Job.JobId;
            if (job.Status.IsPending) pending++;
        }
        return new MailboxState(inbox.ToImmutable(), bytes, nextNumber, deliveries.ToImmutable(), deleted, deletedCount,
            jobs.ToImmutable(), finished.ToImmutable(), nextJobOrder, pending);
    }

    // ------------------------------------------------------------------ parts

    private static void WriteInboxMessage(BinaryWriter w, InboxMessage m)
    {
        w.Write7BitEncodedInt64(m.Number);
        w.WriteTime(m.StoredAt);
        w.WriteNullableString(m.DeliveryId);
        w.WriteLengthPrefixedBytes(m.Content);
    }

    private static InboxMessage ReadInboxMessage(BinaryReader r) =>
        new(r.Read7BitEncodedInt64(), r.ReadTime(), r.ReadNullableString(), r.ReadLengthPrefixedBytes());

    private static void WriteOutgoingSms(BinaryWriter w, OutgoingSms s)
    {
        w.Write(s.JobId);
        w.Write(s.User);
        w.Write(s.Destination);
        w.Write(s.Text);
        w.Write((byte)s.Coding);
        w.Write7BitEncodedInt(s.Parts);
        w.WriteTime(s.AcceptedAt);
        w.WriteNullableString(s.MessageId);
        w.WriteNullableString(s.Subject);
        w.WriteStrings(s.Notes);
    }

    private static OutgoingSms ReadOutgoingSms(BinaryReader r) => new(
        r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString(), (SmsCoding)r.ReadByte(), r.Read7BitEncodedInt(),
        r.ReadTime(), r.ReadNullableString(), r.ReadNullableString(), r.ReadStrings());

    private static void WriteJobStatus(BinaryWriter w, JobStatus s)
    {
        w.Write((byte)s.State);
        w.WriteTime(s.At);
        w.WriteNullableString(s.Module);
        w.Write7BitEncodedInts(s.References);
        w.WriteNullableString(s.Reason);
    }

    private static JobStatus ReadJobStatus(BinaryReader r) =>
        new((JobState)r.ReadByte(), r.ReadTime(), r.ReadNullableString(), r.Read7BitEncodedInts(), r.ReadNullableString());

    private static void WriteJobRecord(BinaryWriter w, OutgoingJobRecord j)
    {
        WriteOutgoingSms(w, j.Job);
        w.Write(j.SubmissionId);
        w.Write7BitEncodedInt64(j.Order);
        w.WriteList(j.History, WriteJobStatus);
    }

    private static OutgoingJobRecord ReadJobRecord(BinaryReader r) =>
        new(ReadOutgoingSms(r), r.ReadString(), r.Read7BitEncodedInt64(), ImmutableList.CreateRange(r.ReadList(ReadJobStatus)));

    private static void WriteIncomingSms(BinaryWriter w, IncomingSms s)
    {
        w.Write((byte)s.Sender.Type);
        w.Write(s.Sender.Value);
        w.WriteTime(s.Timestamp);
        w.Write(s.Text);
        w.Write(s.Module);
        w.Write(s.Group);
        w.WriteNullableString(s.SimNumber);
        w.Write7BitEncodedInt(s.Parts);
        w.Write7BitEncodedInts(s.MissingParts);
    }

    private static IncomingSms ReadIncomingSms(BinaryReader r)
    {
        var sms = new IncomingSms(
            new SmsAddress((AddressType)r.ReadByte(), r.ReadString()), r.ReadTime(), r.ReadString(), r.ReadString(), r.ReadString(),
            r.ReadNullableString(), r.Read7BitEncodedInt());
        var missing = r.Read7BitEncodedInts();
        return missing.IsEmpty ? sms : sms with { MissingParts = missing };
    }

    private static void WriteLongs(BinaryWriter w, ImmutableArray<long> values) =>
        w.WriteList(values.IsDefault ? [] : values, static (x, v) => x.Write7BitEncodedInt64(v));

    private static ImmutableArray<long> ReadLongs(BinaryReader r) => r.ReadList(static x => x.Read7BitEncodedInt64());
}

using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Gateway.Serialization;
using Gateway.Sms;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace Gateway.Modem;

/// <summary>
/// Compact binary form of every <see cref="IModemSerializable"/>: the SIM usage counters' journal
/// events and snapshots, and the modem messages that cross the cluster (a router on one node
/// sends through a module on another and follows its status). Short manifests with a version
/// digit, so a format can change later without breaking stored journals. Actor references are
/// written as their full path and resolved by the receiving system. Bound in HOCON (<see cref="Hocon"/>).
/// </summary>
public sealed class ModemSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>This serializer's id in <c>akka.actor.serialization-identifiers</c>; stored with every event, never change it.</summary>
    public const int Id = 4130;

    /// <summary>Binds this serializer to <see cref="IModemSerializable"/>.</summary>
    public const string Hocon = """
        akka.actor {
          serializers.gateway-modem = "Gateway.Modem.ModemSerializer, Gateway.Actors"
          serialization-bindings { "Gateway.Modem.IModemSerializable, Gateway.Actors" = gateway-modem }
          serialization-identifiers { "Gateway.Modem.ModemSerializer, Gateway.Actors" = 4130 }
        }
        """;

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        ModuleUsageRecorded => "U1",
        ModuleUsage => "S1",
        SendSms { RecordFollows: false } => "M1",
        SendSms => "M15",
        SentRecorded => "M16",
        SmsSent => "M2",
        SmsSendFailed => "M3",
        ModuleStatus => "M4",
        GetModuleStatus => "M5",
        SubscribeModuleStatus => "M6",
        UnsubscribeModuleStatus => "M7",
        GetModemBankStatus => "M8",
        ModemBankStatus => "M9",
        StatusReportReceived => "M10",
        ConfirmStored => "M11",
        SmsReceived => "M12",
        UndecodableSmsReceived => "M13",
        ModuleStopping => "M14",
        _ => throw new ArgumentException($"{o.GetType()} is not written by {nameof(ModemSerializer)}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream(obj is SendSms ? 512 : 64);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case ModuleUsageRecorded e:
                    w.Write7BitEncodedInt(e.Parts);
                    w.WriteTime(e.At);
                    break;
                case ModuleUsage u:
                    w.Write(u.Day.DayNumber);
                    w.Write7BitEncodedInt(u.SentToday);
                    w.Write7BitEncodedInt(u.SentThisMonth);
                    w.WriteOptionalTime(u.LastSentAt);
                    break;
                case SendSms m:
                    w.Write(m.Module);
                    w.Write(m.JobId);
                    w.Write7BitEncodedInt(m.Parts.Count);
                    foreach (var part in m.Parts) WriteSubmit(w, part);
                    break;
                case SmsSent m:
                    w.Write(m.Module);
                    w.Write(m.JobId);
                    WriteInt32s(w, m.MessageReferences);
                    break;
                case SmsSendFailed m:
                    w.Write(m.Module);
                    w.Write(m.JobId);
                    WriteInt32s(w, m.SentReferences);
                    w.Write(m.Reason);
                    w.Write(m.Retryable);
                    w.Write(m.ModuleAtLimit);
                    break;
                case ModuleStatus s:
                    WriteStatus(w, s);
                    break;
                case GetModuleStatus m:
                    w.Write(m.Module);
                    break;
                case SubscribeModuleStatus m:
                    w.Write(Akka.Serialization.Serialization.SerializedActorPath(m.Subscriber));
                    break;
                case UnsubscribeModuleStatus m:
                    w.Write(Akka.Serialization.Serialization.SerializedActorPath(m.Subscriber));
                    break;
                case GetModemBankStatus:
                    break;
                case ModemBankStatus b:
                    w.Write7BitEncodedInt(b.Modules.Count);
                    foreach (var s in b.Modules.Values) WriteStatus(w, s);
                    break;
                case StatusReportReceived m:
                    w.Write(m.Module);
                    WriteStatusReport(w, m.Report);
                    w.WriteNullableString(m.JobId);
                    WriteOptionalInt(w, m.PartIndex);
                    break;
                case ConfirmStored m:
                    w.Write(m.Module);
                    w.Write(m.ReceiptId);
                    break;
                case SmsReceived m:
                    w.Write(m.Module);
                    w.Write(m.ReceiptId);
                    WriteDeliver(w, m.Sms);
                    w.Write(m.PduHex);
                    WriteOptionalInt(w, m.SimIndex);
                    w.Write7BitEncodedInt(m.Offer);
                    break;
                case UndecodableSmsReceived m:
                    w.Write(m.Module);
                    w.Write(m.ReceiptId);
                    w.Write(m.PduHex);
                    w.Write(m.Problem);
                    WriteOptionalInt(w, m.SimIndex);
                    w.Write7BitEncodedInt(m.Offer);
                    break;
                case ModuleStopping m:
                    w.Write(m.Module);
                    break;
                case SentRecorded m:
                    w.Write(m.Module);
                    w.Write(m.JobId);
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType()} is not written by {nameof(ModemSerializer)}", nameof(obj));
            }
        }
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        return manifest switch
        {
            "U1" => new ModuleUsageRecorded(r.Read7BitEncodedInt(), r.ReadTime()),
            "S1" => new ModuleUsage(DateOnly.FromDayNumber(r.ReadInt32()), r.Read7BitEncodedInt(), r.Read7BitEncodedInt(), r.ReadOptionalTime()),
            "M1" => new SendSms(r.ReadString(), r.ReadString(), ReadSubmits(r)),
            "M2" => new SmsSent(r.ReadString(), r.ReadString(), ReadInt32s(r)),
            "M3" => new SmsSendFailed(r.ReadString(), r.ReadString(), ReadInt32s(r), r.ReadString(), r.ReadBoolean(), r.ReadBoolean()),
            "M4" => ReadStatus(r),
            "M5" => new GetModuleStatus(r.ReadString()),
            "M6" => new SubscribeModuleStatus(ResolveRef(r.ReadString())),
            "M7" => new UnsubscribeModuleStatus(ResolveRef(r.ReadString())),
            "M8" => GetModemBankStatus.Instance,
            "M9" => ReadBankStatus(r),
            "M10" => new StatusReportReceived(r.ReadString(), ReadStatusReport(r), r.ReadNullableString(), ReadOptionalInt(r)),
            "M11" => new ConfirmStored(r.ReadString(), r.ReadString()),
            "M12" => new SmsReceived(r.ReadString(), r.ReadString(), ReadDeliver(r), r.ReadString(), ReadOptionalInt(r), r.Read7BitEncodedInt()),
            "M13" => new UndecodableSmsReceived(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString(), ReadOptionalInt(r), r.Read7BitEncodedInt()),
            "M14" => new ModuleStopping(r.ReadString()),
            "M15" => new SendSms(r.ReadString(), r.ReadString(), ReadSubmits(r), RecordFollows: true), // M1's layout; the manifest carries the flag
            "M16" => new SentRecorded(r.ReadString(), r.ReadString()),
            _ => throw new SerializationException($"unknown manifest \"{manifest}\" for {nameof(ModemSerializer)}"),
        };
    }

    private IActorRef ResolveRef(string path) => system.Provider.ResolveActorRef(path);

    private static ModemBankStatus ReadBankStatus(BinaryReader r)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, ModuleStatus>(StringComparer.Ordinal);
        for (int i = 0, n = r.Read7BitEncodedInt(); i < n; i++)
        {
            var s = ReadStatus(r);
            builder[s.Module] = s;
        }
        return new ModemBankStatus(builder.ToImmutable());
    }

    /// <summary>Writes a module status; public so the cluster registry's serializer writes statuses the same way.</summary>
    public static void WriteStatus(BinaryWriter w, ModuleStatus s)
    {
        w.Write(s.Module);
        w.Write(s.Endpoint);
        w.Write((byte)s.State);
        w.WriteTime(s.Since);
        w.Write(s.Registered);
        WriteOptionalInt(w, s.SignalCsq);
        WriteOptionalInt(w, s.SignalDbm);
        w.WriteNullableString(s.Operator);
        w.Write7BitEncodedInt(s.QueueLength);
        w.Write7BitEncodedInt(s.InFlight);
        w.Write7BitEncodedInt(s.AwaitingConfirmation);
        w.WriteNullableString(s.LastError);
        w.Write(s.NeedsOperator);
        w.WriteOptionalTime(s.ReopenAt);
        w.Write(s.Usage is not null);
        if (s.Usage is { } u)
        {
            w.Write7BitEncodedInt(u.SentToday);
            w.Write7BitEncodedInt(u.SentThisMonth);
            WriteOptionalInt(w, u.RemainingToday);
            WriteOptionalInt(w, u.RemainingThisMonth);
            w.WriteOptionalTime(u.NextSendAt);
        }
    }

    /// <summary>Reads what <see cref="WriteStatus"/> wrote.</summary>
    public static ModuleStatus ReadStatus(BinaryReader r) => new(
        Module: r.ReadString(),
        Endpoint: r.ReadString(),
        State: (ModuleState)r.ReadByte(),
        Since: r.ReadTime(),
        Registered: r.ReadBoolean(),
        SignalCsq: ReadOptionalInt(r),
        SignalDbm: ReadOptionalInt(r),
        Operator: r.ReadNullableString(),
        QueueLength: r.Read7BitEncodedInt(),
        InFlight: r.Read7BitEncodedInt(),
        AwaitingConfirmation: r.Read7BitEncodedInt(),
        LastError: r.ReadNullableString(),
        NeedsOperator: r.ReadBoolean(),
        ReopenAt: r.ReadOptionalTime(),
        Usage: r.ReadBoolean()
            ? new ModuleUsageStatus(r.Read7BitEncodedInt(), r.Read7BitEncodedInt(), ReadOptionalInt(r), ReadOptionalInt(r), r.ReadOptionalTime())
            : null);

    private static void WriteSubmit(BinaryWriter w, SmsSubmit s)
    {
        w.Write((short)s.MessageReference);
        WriteAddress(w, s.Destination);
        w.Write((byte)s.Coding);
        w.Write(s.Text);
        w.WriteLengthPrefixedBytes(s.Data);
        WriteConcat(w, s.Concat);
        w.Write(s.StatusReportRequested);
        w.Write(s.ValidityPeriod.HasValue);
        if (s.ValidityPeriod is { } vp) w.Write(vp.Ticks);
        w.Write((byte)s.Class);
    }

    private static IReadOnlyList<SmsSubmit> ReadSubmits(BinaryReader r)
    {
        var n = r.ReadCount();
        var parts = new SmsSubmit[n];
        for (var i = 0; i < n; i++)
            parts[i] = new SmsSubmit(r.ReadInt16(), ReadAddress(r), (SmsCoding)r.ReadByte(), r.ReadString(), r.ReadLengthPrefixedBytes(), ReadConcat(r),
                r.ReadBoolean(), r.ReadBoolean() ? TimeSpan.FromTicks(r.ReadInt64()) : null, (MessageClass)r.ReadByte());
        return ImmutableArray.Create(parts);
    }

    private static void WriteDeliver(BinaryWriter w, SmsDeliver d)
    {
        WriteAddress(w, d.Originator);
        w.WriteTime(d.Timestamp);
        w.Write((byte)d.Coding);
        w.Write((byte)d.Class);
        w.Write(d.Text);
        w.WriteLengthPrefixedBytes(d.Data);
        WriteConcat(w, d.Concat);
        w.WriteNullableString(d.ServiceCentre);
        w.Write(d.StatusReportIndication);
        w.Write((byte)d.ProtocolIdentifier);
    }

    private static SmsDeliver ReadDeliver(BinaryReader r) => new(ReadAddress(r), r.ReadTime(), (SmsCoding)r.ReadByte(), (MessageClass)r.ReadByte(),
        r.ReadString(), r.ReadLengthPrefixedBytes(), ReadConcat(r), r.ReadNullableString(), r.ReadBoolean(), r.ReadByte());

    private static void WriteStatusReport(BinaryWriter w, SmsStatusReport s)
    {
        w.Write((short)s.MessageReference);
        WriteAddress(w, s.Recipient);
        w.WriteTime(s.ServiceCentreTimestamp);
        w.WriteTime(s.DischargeTime);
        w.Write((short)s.Status);
        w.WriteNullableString(s.ServiceCentre);
    }

    private static SmsStatusReport ReadStatusReport(BinaryReader r) =>
        new(r.ReadInt16(), ReadAddress(r), r.ReadTime(), r.ReadTime(), r.ReadInt16(), r.ReadNullableString());

    private static void WriteAddress(BinaryWriter w, SmsAddress a)
    {
        w.Write((byte)a.Type);
        w.Write(a.Value);
    }

    private static SmsAddress ReadAddress(BinaryReader r) => new((AddressType)r.ReadByte(), r.ReadString());

    private static void WriteConcat(BinaryWriter w, ConcatInfo? c)
    {
        w.Write(c is not null);
        if (c is null) return;
        w.Write7BitEncodedInt(c.Reference);
        w.Write7BitEncodedInt(c.Total);
        w.Write7BitEncodedInt(c.Sequence);
        w.Write(c.SixteenBitReference);
    }

    private static ConcatInfo? ReadConcat(BinaryReader r) =>
        r.ReadBoolean() ? new ConcatInfo(r.Read7BitEncodedInt(), r.Read7BitEncodedInt(), r.Read7BitEncodedInt(), r.ReadBoolean()) : null;

    /// <summary>Message references as full 4-byte ints (the mailbox writes its lists of small numbers 7-bit encoded; this layout is the modem's own).</summary>
    private static void WriteInt32s(BinaryWriter w, ImmutableArray<int> values) =>
        w.WriteList(values.IsDefault ? [] : values, static (x, v) => x.Write(v));

    private static ImmutableArray<int> ReadInt32s(BinaryReader r) => r.ReadList(static x => x.ReadInt32());

    private static void WriteOptionalInt(BinaryWriter w, int? v)
    {
        w.Write(v.HasValue);
        if (v is { } x) w.Write(x);
    }

    private static int? ReadOptionalInt(BinaryReader r) => r.ReadBoolean() ? r.ReadInt32() : null;
}

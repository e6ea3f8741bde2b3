using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Gateway.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace Gateway.AutoClip;

/// <summary>
/// Compact binary form of every <see cref="IAutoClipSerializable"/>: journal events, bucket
/// snapshots and the messages that cross the cluster. Numbers go as 7-bit-encoded digits, times
/// as Unix milliseconds; an expiry event writes each module name once. Each type has a short
/// manifest, so a format can change later without breaking stored journals. Bound in HOCON
/// (see <see cref="Hocon"/>).
/// </summary>
public sealed class AutoClipSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>This serializer's id in <c>akka.actor.serialization-identifiers</c>; stored with every event, never change it.</summary>
    public const int Id = 4120;

    /// <summary>Binds this serializer to <see cref="IAutoClipSerializable"/>.</summary>
    public const string Hocon = """
        akka.actor {
          serializers.gateway-autoclip = "Gateway.AutoClip.AutoClipSerializer, Gateway.Actors"
          serialization-bindings { "Gateway.AutoClip.IAutoClipSerializable, Gateway.Actors" = gateway-autoclip }
          serialization-identifiers { "Gateway.AutoClip.AutoClipSerializer, Gateway.Actors" = 4120 }
        }
        """;

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        AutoClipWritten => "E1",
        AutoClipsExpired => "E2",
        AutoClipErased => "E3",
        AutoClipSnapshot => "S1",
        RecordAutoClip => "C1",
        LookupReplyOwner => "C2",
        LookupStickyModule => "C3",
        ListAutoClip => "C4",
        DeleteAutoClip => "C5",
        WakeAutoClipBucket => "C6",
        ListAutoClipBucket => "C7",
        AutoClipRecorded => "R1",
        AutoClipRefused => "R2",
        ReplyOwner => "R3",
        StickyModule => "R4",
        AutoClipList => "R5",
        AutoClipDeleted => "R6",
        _ => throw new ArgumentException($"{o.GetType()} is not written by {nameof(AutoClipSerializer)}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        if (obj is AutoClipSnapshot snapshot) return snapshot.Data.ToArray();
        using var stream = new MemoryStream(obj is AutoClipsExpired or AutoClipList ? 4096 : 64);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            Write(w, obj);
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (manifest == "S1") return new AutoClipSnapshot(ImmutableCollectionsMarshal.AsImmutableArray(bytes));
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        return manifest switch
        {
            "E1" => new AutoClipWritten(r.Read7BitEncodedInt64(), r.ReadString(), r.ReadString(), r.ReadInt64()),
            "E2" => ReadExpired(r),
            "E3" => new AutoClipErased(r.Read7BitEncodedInt64(), r.ReadString(), r.ReadInt64()),
            "C1" => new RecordAutoClip(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadTime()),
            "C2" => new LookupReplyOwner(r.ReadString(), r.ReadString()),
            "C3" => new LookupStickyModule(r.ReadString(), r.ReadString()),
            "C4" => ReadQuery(r),
            "C5" => new DeleteAutoClip(r.ReadString(), r.ReadString()),
            "C6" => new WakeAutoClipBucket(r.Read7BitEncodedInt()),
            "C7" => new ListAutoClipBucket(r.Read7BitEncodedInt(), ReadQuery(r)),
            "R1" => new AutoClipRecorded(r.ReadString(), r.ReadString()),
            "R2" => new AutoClipRefused(r.ReadString(), r.ReadString(), r.ReadString()),
            "R3" => new ReplyOwner(r.ReadString(), r.ReadString(), r.ReadNullableString()),
            "R4" => new StickyModule(r.ReadString(), r.ReadString(), r.ReadNullableString()),
            "R5" => ReadRecords(r),
            "R6" => new AutoClipDeleted(r.ReadString(), r.ReadString(), r.ReadBoolean()),
            _ => throw new SerializationException($"unknown AutoCLIP manifest \"{manifest}\""),
        };
    }

    private static void Write(BinaryWriter w, object o)
    {
        switch (o)
        {
            case AutoClipWritten e: w.Write7BitEncodedInt64(e.Number); w.Write(e.Module); w.Write(e.User); w.Write(e.AtMs); break;
            case AutoClipsExpired e: WriteExpired(w, e); break;
            case AutoClipErased e: w.Write7BitEncodedInt64(e.Number); w.Write(e.Module); w.Write(e.AtMs); break;
            case RecordAutoClip c: w.Write(c.Number); w.Write(c.Module); w.Write(c.User); w.WriteTime(c.SentAt); break;
            case LookupReplyOwner c: w.Write(c.Number); w.Write(c.Module); break;
            case LookupStickyModule c: w.Write(c.User); w.Write(c.Number); break;
            case ListAutoClip c: WriteQuery(w, c); break;
            case DeleteAutoClip c: w.Write(c.Number); w.Write(c.Module); break;
            case WakeAutoClipBucket c: w.Write7BitEncodedInt(c.Bucket); break;
            case ListAutoClipBucket c: w.Write7BitEncodedInt(c.Bucket); WriteQuery(w, c.Query); break;
            case AutoClipRecorded m: w.Write(m.Number); w.Write(m.Module); break;
            case AutoClipRefused m: w.Write(m.Number); w.Write(m.Module); w.Write(m.Reason); break;
            case ReplyOwner m: w.Write(m.Number); w.Write(m.Module); w.WriteNullableString(m.User); break;
            case StickyModule m: w.Write(m.User); w.Write(m.Number); w.WriteNullableString(m.Module); break;
            case AutoClipList m: WriteRecords(w, m); break;
            case AutoClipDeleted m: w.Write(m.Number); w.Write(m.Module); w.Write(m.Existed); break;
            default: throw new ArgumentException($"{o.GetType()} is not written by {nameof(AutoClipSerializer)}", nameof(o));
        }
    }

    private static void WriteExpired(BinaryWriter w, AutoClipsExpired e)
    {
        w.Write(e.AtMs);
        var modules = new List<string>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var key in e.Keys)
            if (!ids.ContainsKey(key.Module))
            {
                ids[key.Module] = modules.Count;
                modules.Add(key.Module);
            }
        w.WriteStrings(modules);
        w.WriteList(e.Keys, (x, key) =>
        {
            x.Write7BitEncodedInt64(key.Number);
            x.Write7BitEncodedInt(ids[key.Module]);
        });
    }

    private static AutoClipsExpired ReadExpired(BinaryReader r)
    {
        var at = r.ReadInt64();
        var modules = r.ReadStrings();
        var keys = r.ReadList(x =>
        {
            var number = x.Read7BitEncodedInt64();
            var module = x.Read7BitEncodedInt();
            if (module < 0 || module >= modules.Length) throw new SerializationException("AutoCLIP expiry event names a module it does not list");
            return new AutoClipKey(number, modules[module]);
        });
        return new AutoClipsExpired(keys, at);
    }

    private static void WriteQuery(BinaryWriter w, ListAutoClip c)
    {
        w.WriteNullableString(c.NumberPrefix);
        w.WriteNullableString(c.User);
        w.WriteNullableString(c.Module);
        w.Write7BitEncodedInt(c.Limit);
    }

    private static ListAutoClip ReadQuery(BinaryReader r) => new(r.ReadNullableString(), r.ReadNullableString(), r.ReadNullableString(), r.Read7BitEncodedInt());

    private static void WriteRecords(BinaryWriter w, AutoClipList list)
    {
        w.Write(list.Truncated);
        w.Write7BitEncodedInt(list.BucketsUnanswered);
        w.Write7BitEncodedInt(list.Matched);
        w.WriteList(list.Records, (x, rec) =>
        {
            x.Write(rec.Number);
            x.Write(rec.Module);
            x.Write(rec.User);
            x.WriteTime(rec.Created);
            x.WriteTime(rec.LastUsed);
            x.WriteOptionalTime(rec.ExpiresAt);
        });
    }

    private static AutoClipList ReadRecords(BinaryReader r)
    {
        var truncated = r.ReadBoolean();
        var unanswered = r.Read7BitEncodedInt();
        var matched = r.Read7BitEncodedInt();
        var records = r.ReadList(x => new AutoClipRecord(x.ReadString(), x.ReadString(), x.ReadString(), x.ReadTime(), x.ReadTime(), x.ReadOptionalTime()));
        return new AutoClipList(records, truncated, unanswered, matched);
    }
}

using System.Text;
using Akka.Actor;
using Akka.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace Gateway.Modem;

/// <summary>
/// Compact binary form of every <see cref="IModemSerializable"/>: the SIM usage counters' journal
/// events and snapshots. Short manifests with a version digit, so a format can change later
/// without breaking stored journals. Bound in HOCON (<see cref="Hocon"/>).
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
        _ => throw new ArgumentException($"{o.GetType()} is not written by {nameof(ModemSerializer)}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream(32);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case ModuleUsageRecorded e:
                    w.Write7BitEncodedInt(e.Parts);
                    WriteTime(w, e.At);
                    break;
                case ModuleUsage u:
                    w.Write(u.Day.DayNumber);
                    w.Write7BitEncodedInt(u.SentToday);
                    w.Write7BitEncodedInt(u.SentThisMonth);
                    w.Write(u.LastSentAt.HasValue);
                    if (u.LastSentAt is { } at) WriteTime(w, at);
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
            "U1" => new ModuleUsageRecorded(r.Read7BitEncodedInt(), ReadTime(r)),
            "S1" => new ModuleUsage(DateOnly.FromDayNumber(r.ReadInt32()), r.Read7BitEncodedInt(), r.Read7BitEncodedInt(), r.ReadBoolean() ? ReadTime(r) : null),
            _ => throw new SerializationException($"unknown manifest \"{manifest}\" for {nameof(ModemSerializer)}"),
        };
    }

    private static void WriteTime(BinaryWriter w, DateTimeOffset t)
    {
        w.Write(t.UtcTicks);
        w.Write((short)t.Offset.TotalMinutes);
    }

    private static DateTimeOffset ReadTime(BinaryReader r)
    {
        var ticks = r.ReadInt64();
        var offset = TimeSpan.FromMinutes(r.ReadInt16());
        return new DateTimeOffset(ticks + offset.Ticks, offset);
    }
}

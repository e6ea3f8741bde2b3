using System.Collections.Immutable;
using System.Runtime.InteropServices;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace Gateway.Serialization;

/// <summary>
/// The field encodings our binary serializers share (mailbox, AutoCLIP, routing, incoming ledger,
/// modem, module registry, node compatibility), as extensions on <see cref="BinaryWriter"/> and
/// <see cref="BinaryReader"/>. Journals and snapshots on disk hold these bytes: an encoding here
/// never changes (<c>SerializerFormatTests</c> pins them); a new layout gets a new method and a new
/// manifest. Readers refuse data that ends early or claims more items than it holds with a
/// <see cref="SerializationException"/>, never a wrong value or a huge allocation.
/// </summary>
internal static class BinaryFields
{
    /// <summary>A time with its zone offset: UTC ticks (8 bytes) and offset minutes (2 bytes).</summary>
    public static void WriteTime(this BinaryWriter w, DateTimeOffset t)
    {
        w.Write(t.UtcTicks);
        w.Write((short)t.Offset.TotalMinutes);
    }

    /// <summary>Reads what <see cref="WriteTime"/> wrote: the same instant in the same zone offset.</summary>
    public static DateTimeOffset ReadTime(this BinaryReader r)
    {
        var ticks = r.ReadInt64();
        var offset = TimeSpan.FromMinutes(r.ReadInt16());
        return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
    }

    /// <summary>A presence flag, then the time as <see cref="WriteTime"/> writes it.</summary>
    public static void WriteOptionalTime(this BinaryWriter w, DateTimeOffset? t)
    {
        w.Write(t.HasValue);
        if (t is { } x) w.WriteTime(x);
    }

    /// <summary>Reads what <see cref="WriteOptionalTime"/> wrote.</summary>
    public static DateTimeOffset? ReadOptionalTime(this BinaryReader r) => r.ReadBoolean() ? r.ReadTime() : null;

    /// <summary>A presence flag, then the string as <see cref="BinaryWriter.Write(string)"/> writes it (length-prefixed UTF-8).</summary>
    public static void WriteNullableString(this BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    /// <summary>Reads what <see cref="WriteNullableString"/> wrote.</summary>
    public static string? ReadNullableString(this BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    /// <summary>A 7-bit-encoded length, then the bytes; a default array is written as an empty one.</summary>
    public static void WriteLengthPrefixedBytes(this BinaryWriter w, ImmutableArray<byte> bytes)
    {
        var span = bytes.IsDefault ? ReadOnlySpan<byte>.Empty : bytes.AsSpan();
        w.Write7BitEncodedInt(span.Length);
        w.Write(span);
    }

    /// <summary>Reads what <see cref="WriteLengthPrefixedBytes"/> wrote; data that ends inside the bytes is refused.</summary>
    public static ImmutableArray<byte> ReadLengthPrefixedBytes(this BinaryReader r)
    {
        var length = r.Read7BitEncodedInt();
        if (length < 0) throw new SerializationException($"binary data claims a negative length {length}");
        var bytes = r.ReadBytes(length);
        if (bytes.Length != length) throw new SerializationException($"binary data ends {length - bytes.Length} bytes inside a field of {length}");
        return ImmutableCollectionsMarshal.AsImmutableArray(bytes); // ReadBytes returned a fresh array nobody else holds
    }

    /// <summary>
    /// Reads a 7-bit-encoded item count and checks it against the bytes left: every item we write
    /// takes at least one byte, so a larger count is corrupt data, refused before anything is allocated.
    /// </summary>
    public static int ReadCount(this BinaryReader r)
    {
        var count = r.Read7BitEncodedInt();
        var left = r.BaseStream.Length - r.BaseStream.Position;
        if (count < 0 || count > left)
            throw new SerializationException($"binary data claims {count} items but only {left} bytes are left");
        return count;
    }

    /// <summary>A 7-bit-encoded count, then each item as <paramref name="write"/> writes it.</summary>
    public static void WriteList<T>(this BinaryWriter w, IEnumerable<T> items, Action<BinaryWriter, T> write)
    {
        var list = items as IReadOnlyCollection<T> ?? items.ToArray();
        w.Write7BitEncodedInt(list.Count);
        foreach (var item in list) write(w, item);
    }

    /// <summary>Reads what <see cref="WriteList{T}"/> wrote, the count checked by <see cref="ReadCount"/>.</summary>
    public static ImmutableArray<T> ReadList<T>(this BinaryReader r, Func<BinaryReader, T> read)
    {
        var count = r.ReadCount();
        var builder = ImmutableArray.CreateBuilder<T>(count);
        for (var i = 0; i < count; i++) builder.Add(read(r));
        return builder.MoveToImmutable();
    }

    /// <summary>A list of strings: a 7-bit-encoded count, then each length-prefixed UTF-8 string.</summary>
    public static void WriteStrings(this BinaryWriter w, IEnumerable<string> items) => w.WriteList(items, static (x, s) => x.Write(s));

    /// <summary>Reads what <see cref="WriteStrings"/> wrote.</summary>
    public static ImmutableArray<string> ReadStrings(this BinaryReader r) => r.ReadList(static x => x.ReadString());

    /// <summary>A list of small numbers: a 7-bit-encoded count, then each 7-bit-encoded; a default array is written as an empty one.</summary>
    public static void Write7BitEncodedInts(this BinaryWriter w, ImmutableArray<int> values) =>
        w.WriteList(values.IsDefault ? [] : values, static (x, v) => x.Write7BitEncodedInt(v));

    /// <summary>Reads what <see cref="Write7BitEncodedInts"/> wrote.</summary>
    public static ImmutableArray<int> Read7BitEncodedInts(this BinaryReader r) => r.ReadList(static x => x.Read7BitEncodedInt());
}

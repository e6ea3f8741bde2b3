using System.Runtime.Serialization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gateway.Serialization;
using Xunit;

namespace Gateway.Tests.Serialization;

/// <summary>
/// The shared field encodings read back what they wrote, and refuse data that is cut short or
/// claims more than it holds with a <see cref="SerializationException"/> (never a short value or a
/// huge allocation). Their exact bytes are pinned by <see cref="SerializerFormatTests"/>.
/// </summary>
public sealed class BinaryFieldsTests
{
    private static byte[] Write(Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) write(w);
        return stream.ToArray();
    }

    private static BinaryReader Reader(byte[] bytes) => new(new MemoryStream(bytes, writable: false), System.Text.Encoding.UTF8);

    /// <summary>Any instant of the calendar in any offset a zone can have (whole minutes, at most 14 hours) comes back as the same instant in the same offset.</summary>
    [Property(MaxTest = 500)]
    public Property A_time_comes_back_as_the_same_instant_in_the_same_offset() =>
        Prop.ForAll(
            Gen.Choose(-14 * 60, 14 * 60).SelectMany(minutes =>
                Gen.Choose(0, int.MaxValue).Select(fraction =>
                {
                    var offset = TimeSpan.FromMinutes(minutes);
                    var earliest = DateTimeOffset.MinValue.UtcTicks + Math.Max(0, -offset.Ticks);
                    var latest = DateTimeOffset.MaxValue.UtcTicks - Math.Max(0, offset.Ticks);
                    var ticks = earliest + (long)((latest - earliest) * (fraction / (double)int.MaxValue));
                    return new DateTimeOffset(Math.Clamp(ticks, earliest, latest), TimeSpan.Zero).ToOffset(offset);
                })).ToArbitrary(),
            t =>
            {
                var back = Reader(Write(w => w.WriteTime(t))).ReadTime();
                return back == t && back.Offset == t.Offset && back.Ticks == t.Ticks;
            });

    [Fact]
    public void Optional_fields_and_lists_come_back_as_written_with_absent_values_absent()
    {
        var at = new DateTimeOffset(2026, 3, 1, 23, 59, 59, TimeSpan.FromMinutes(-330));
        var bytes = Write(w =>
        {
            w.WriteOptionalTime(at);
            w.WriteOptionalTime(null);
            w.WriteNullableString("žluťoučký");
            w.WriteNullableString(null);
            w.WriteNullableString("");
            w.WriteLengthPrefixedBytes([0x00, 0xFF]);
            w.WriteLengthPrefixedBytes(default);
            w.WriteStrings(["a", "", "😀"]);
            w.Write7BitEncodedInts([0, 127, 128, int.MaxValue]);
            w.Write7BitEncodedInts(default);
        });
        var r = Reader(bytes);
        var time = r.ReadOptionalTime();
        Assert.Equal(at, time);
        Assert.Equal(at.Offset, time!.Value.Offset);
        Assert.Null(r.ReadOptionalTime());
        Assert.Equal("žluťoučký", r.ReadNullableString());
        Assert.Null(r.ReadNullableString());
        Assert.Equal("", r.ReadNullableString());
        Assert.Equal([0x00, 0xFF], r.ReadLengthPrefixedBytes().ToArray());
        Assert.Empty(r.ReadLengthPrefixedBytes());
        Assert.Equal(["a", "", "😀"], r.ReadStrings().ToArray());
        Assert.Equal([0, 127, 128, int.MaxValue], r.Read7BitEncodedInts().ToArray());
        Assert.Empty(r.Read7BitEncodedInts());
        Assert.Equal(bytes.Length, r.BaseStream.Position);
    }

    [Fact]
    public void Bytes_cut_short_are_refused_not_returned_short()
    {
        var bytes = Write(w => w.WriteLengthPrefixedBytes([1, 2, 3, 4, 5]));
        var e = Assert.Throws<SerializationException>(() => Reader(bytes[..^2]).ReadLengthPrefixedBytes());
        Assert.Contains("2 bytes inside", e.Message);
        Assert.Throws<SerializationException>(() => Reader(Write(w => w.Write7BitEncodedInt(-1))).ReadLengthPrefixedBytes());
    }

    [Fact]
    public void A_count_larger_than_the_bytes_left_is_refused_before_anything_is_allocated()
    {
        // A count of int.MaxValue followed by two bytes: a builder of that size would need gigabytes.
        var bytes = Write(w => { w.Write7BitEncodedInt(int.MaxValue); w.Write((short)0); });
        var e = Assert.Throws<SerializationException>(() => Reader(bytes).ReadStrings());
        Assert.Contains($"claims {int.MaxValue} items but only 2 bytes are left", e.Message);
        Assert.Throws<SerializationException>(() => Reader(Write(w => w.Write7BitEncodedInt(-5))).ReadList(x => x.ReadByte()));
        Assert.Throws<SerializationException>(() => Reader(Write(w => w.Write7BitEncodedInt(3))).Read7BitEncodedInts());
    }

    [Fact]
    public void A_list_that_ends_early_is_an_error_not_a_shorter_list()
    {
        var bytes = Write(w => w.WriteStrings(["one", "two", "three"]));
        Assert.Throws<EndOfStreamException>(() => Reader(bytes[..^3]).ReadStrings());
        Assert.Empty(Reader(Write(w => w.WriteStrings([]))).ReadStrings());
    }
}

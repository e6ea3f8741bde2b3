using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Gateway.Sms;

/// <summary>
/// UCS2 user data (3GPP TS 23.038 6.2.3): UTF-16 code units, big-endian. Characters outside the
/// Basic Multilingual Plane (most emoji) travel as surrogate pairs, which phones read as UTF-16;
/// a pair counts as two units and is never split between parts.
/// </summary>
public static class Ucs2
{
    /// <summary>Code units in one SMS without a user data header (140 octets).</summary>
    public const int SinglePartUnits = 70;

    /// <summary>Code units in one part of a concatenated SMS (134 octets after a 6-octet header).</summary>
    public const int ConcatenatedPartUnits = 67;

    /// <summary>Writes <paramref name="text"/> as big-endian code units (lone surrogates as they are); returns the octets written.</summary>
    public static int Write(ReadOnlySpan<char> text, Span<byte> octets)
    {
        var length = text.Length * 2;
        if (length > octets.Length) throw new ArgumentException($"{length} octets needed, {octets.Length} given", nameof(octets));
        var units = MemoryMarshal.Cast<char, ushort>(text);
        var destination = MemoryMarshal.Cast<byte, ushort>(octets[..length]);
        if (BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(units, destination);
        else units.CopyTo(destination);
        return length;
    }

    /// <summary>Reads big-endian code units; an odd final octet is the caller's to refuse.</summary>
    public static string Read(ReadOnlySpan<byte> octets) =>
        string.Create(octets.Length / 2, octets, static (chars, source) =>
        {
            var units = MemoryMarshal.Cast<byte, ushort>(source[..(chars.Length * 2)]);
            var destination = MemoryMarshal.Cast<char, ushort>(chars);
            if (BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(units, destination);
            else units.CopyTo(destination);
        });
}

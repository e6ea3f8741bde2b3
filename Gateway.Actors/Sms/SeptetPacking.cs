using System.Buffers.Binary;

namespace Gateway.Sms;

/// <summary>
/// Packs 7-bit septets into octets and back (3GPP TS 23.038 6.1.2.1.1): septet <c>i</c> occupies
/// bits <c>fill + 7i</c> … <c>fill + 7i + 6</c> of the octet stream, least significant bit first.
/// <c>fill</c> is the 0–6 fill bits that align the first septet after a user data header to a
/// septet boundary (23.040 9.2.3.24).
/// </summary>
public static class SeptetPacking
{
    /// <summary>Octets that <paramref name="septetCount"/> septets take after <paramref name="fillBits"/> fill bits.</summary>
    public static int PackedLength(int septetCount, int fillBits = 0) => (fillBits + septetCount * 7 + 7) / 8;

    /// <summary>
    /// Fill bits after a user data header of <paramref name="headerOctets"/> octets (UDHL included)
    /// so that the text starts on a septet boundary.
    /// </summary>
    public static int FillBits(int headerOctets) => (7 - headerOctets * 8 % 7) % 7;

    /// <summary>Septets a user data header of <paramref name="headerOctets"/> octets (UDHL included) counts as in TP-UDL.</summary>
    public static int HeaderSeptets(int headerOctets) => (headerOctets * 8 + 6) / 7;

    /// <summary>Packs <paramref name="septets"/> after <paramref name="fillBits"/> zero bits; returns the octets written.</summary>
    public static int Pack(ReadOnlySpan<byte> septets, Span<byte> octets, int fillBits = 0)
    {
        var length = PackedLength(septets.Length, fillBits);
        if (length > octets.Length) throw new ArgumentException($"{length} octets needed, {octets.Length} given", nameof(octets));
        ulong acc = 0;
        var bits = fillBits;
        var o = 0;
        var i = 0;
        // Eight septets are 56 bits: seven whole octets at a time while there is room to write a ulong.
        for (; i + 8 <= septets.Length && o + 8 <= octets.Length; i += 8)
        {
            var block = septets.Slice(i, 8);
            var v = (block[0] & 0x7FUL) | (block[1] & 0x7FUL) << 7 | (block[2] & 0x7FUL) << 14 | (block[3] & 0x7FUL) << 21 |
                    (block[4] & 0x7FUL) << 28 | (block[5] & 0x7FUL) << 35 | (block[6] & 0x7FUL) << 42 | (block[7] & 0x7FUL) << 49;
            acc |= v << bits; // bits < 8 here, so 56 + bits fits 64
            BinaryPrimitives.WriteUInt64LittleEndian(octets[o..], acc);
            o += 7;
            acc >>= 56;
        }
        for (; i < septets.Length; i++)
        {
            acc |= (ulong)(septets[i] & 0x7F) << bits;
            bits += 7;
            if (bits >= 8)
            {
                octets[o++] = (byte)acc;
                acc >>= 8;
                bits -= 8;
            }
        }
        if (bits > 0) octets[o++] = (byte)acc;
        return o;
    }

    /// <summary>
    /// Unpacks <paramref name="septets"/>.Length septets that start after <paramref name="fillBits"/>
    /// bits of <paramref name="octets"/>. The caller checks that the octets are long enough.
    /// </summary>
    public static void Unpack(ReadOnlySpan<byte> octets, int fillBits, Span<byte> septets)
    {
        if (septets.IsEmpty) return;
        if (PackedLength(septets.Length, fillBits) > octets.Length)
            throw new ArgumentException($"{septets.Length} septets do not fit in {octets.Length} octets", nameof(octets));
        uint acc = 0;
        var bits = 0;
        var o = 0;
        if (fillBits > 0)
        {
            acc = (uint)octets[o++] >> fillBits;
            bits = 8 - fillBits;
        }
        for (var i = 0; i < septets.Length; i++)
        {
            if (bits < 7)
            {
                acc |= (uint)octets[o++] << bits;
                bits += 8;
            }
            septets[i] = (byte)(acc & 0x7F);
            acc >>= 7;
            bits -= 7;
        }
    }
}

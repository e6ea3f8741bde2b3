namespace Gateway.Sms;

/// <summary>
/// The user data header (3GPP TS 23.040 9.2.3.24): UDHL, then information elements (IEI, length,
/// data). We read and write concatenation: IEI 00 (8-bit reference: ref, total, seq) and IEI 08
/// (16-bit reference: ref high, ref low, total, seq). Other elements are skipped; a concatenation
/// element with total 0, seq 0 or seq &gt; total is ignored, as 23.040 9.2.3.24.1 says.
/// </summary>
public static class UserDataHeader
{
    public const byte Concat8BitIei = 0x00;
    public const byte Concat16BitIei = 0x08;

    /// <summary>Octets of a whole header (UDHL included) with one 8-bit concatenation element: <c>05 00 03 rr tt ss</c>.</summary>
    public const int Concat8BitLength = 6;

    /// <summary>Octets of a whole header (UDHL included) with one 16-bit concatenation element: <c>06 08 04 rr rr tt ss</c>.</summary>
    public const int Concat16BitLength = 7;

    /// <summary>Octets the header takes for <paramref name="concat"/> (0 without one).</summary>
    public static int LengthFor(ConcatInfo? concat) =>
        concat is null ? 0 : concat.SixteenBitReference ? Concat16BitLength : Concat8BitLength;

    internal static int Write(ConcatInfo concat, Span<byte> octets)
    {
        if (concat.Total is < 1 or > 255 || concat.Sequence < 1 || concat.Sequence > concat.Total)
            throw new ArgumentException($"concatenation part {concat.Sequence} of {concat.Total}: need 1 ≤ part ≤ total ≤ 255", nameof(concat));
        var maxRef = concat.SixteenBitReference ? 0xFFFF : 0xFF;
        if (concat.Reference < 0 || concat.Reference > maxRef)
            throw new ArgumentException($"concatenation reference {concat.Reference} is outside 0–{maxRef}", nameof(concat));
        if (concat.SixteenBitReference)
        {
            octets[0] = 6;
            octets[1] = Concat16BitIei;
            octets[2] = 4;
            octets[3] = (byte)(concat.Reference >> 8);
            octets[4] = (byte)concat.Reference;
            octets[5] = (byte)concat.Total;
            octets[6] = (byte)concat.Sequence;
            return Concat16BitLength;
        }
        octets[0] = 5;
        octets[1] = Concat8BitIei;
        octets[2] = 3;
        octets[3] = (byte)concat.Reference;
        octets[4] = (byte)concat.Total;
        octets[5] = (byte)concat.Sequence;
        return Concat8BitLength;
    }

    /// <summary>
    /// Reads the information elements (<paramref name="elements"/> is the header after UDHL) and
    /// returns the concatenation element if there is a usable one. <paramref name="offset"/> is
    /// where the elements start in the PDU, for error messages.
    /// </summary>
    internal static ConcatInfo? Read(ReadOnlySpan<byte> elements, int offset)
    {
        ConcatInfo? concat = null;
        var i = 0;
        while (i < elements.Length)
        {
            if (i + 2 > elements.Length)
                throw new PduFormatException("the user data header ends inside an information element's identifier and length", offset + i);
            int iei = elements[i], length = elements[i + 1];
            if (i + 2 + length > elements.Length)
                throw new PduFormatException($"user data header element {iei:X2} says {length} octets but the header has {elements.Length - i - 2} left", offset + i);
            var data = elements.Slice(i + 2, length);
            if (iei == Concat8BitIei && length == 3)
                concat = Usable(data[0], data[1], data[2], false) ?? concat;
            else if (iei == Concat16BitIei && length == 4)
                concat = Usable(data[0] << 8 | data[1], data[2], data[3], true) ?? concat;
            i += 2 + length;
        }
        return concat;
    }

    private static ConcatInfo? Usable(int reference, int total, int sequence, bool sixteenBit) =>
        total == 0 || sequence == 0 || sequence > total ? null : new ConcatInfo(reference, total, sequence, sixteenBit);
}

using System.Collections.Immutable;

namespace Gateway.Sms;

/// <summary>
/// TP-UDL and TP-UD (3GPP TS 23.040 9.2.3.16, 9.2.3.24) for the three codings, with the
/// concatenation header when there is one.
/// <list type="bullet">
/// <item>GSM-7: TP-UDL counts septets, header included (a 6-octet header counts 7); the text
/// starts on the septet boundary after the header, so 1 fill bit follows a 6-octet header.
/// At most 160 septets.</item>
/// <item>UCS2 and 8-bit: TP-UDL counts octets, header included. At most 140 octets.</item>
/// </list>
/// </summary>
internal static class UserData
{
    public const int MaxOctets = 140;
    public const int MaxSeptets = 160;

    /// <summary>What the user data held: text, the coded units without the header, and the concatenation element.</summary>
    public readonly record struct Content(string Text, ImmutableArray<byte> Data, ConcatInfo? Concat);

    public static void Write(ref PduWriter w, SmsCoding coding, string text, ImmutableArray<byte> data, ConcatInfo? concat)
    {
        var headerOctets = UserDataHeader.LengthFor(concat);
        var udl = w.Reserve();
        if (concat is not null) w.Advance(UserDataHeader.Write(concat, w.Free));
        switch (coding)
        {
            case SmsCoding.Gsm7:
            {
                var headerSeptets = headerOctets == 0 ? 0 : SeptetPacking.HeaderSeptets(headerOctets);
                var room = MaxSeptets - headerSeptets;
                Span<byte> septets = stackalloc byte[MaxSeptets];
                if (text.Length > room) throw TooLong(text.Length, "septets", room);
                var count = Gsm7Alphabet.ToSeptets(text, septets[..room]);
                var fill = headerOctets == 0 ? 0 : SeptetPacking.FillBits(headerOctets);
                w.Advance(SeptetPacking.Pack(septets[..count], w.Free, fill));
                w.Patch(udl, headerSeptets + count);
                break;
            }
            case SmsCoding.Ucs2:
            {
                if (headerOctets + text.Length * 2 > MaxOctets) throw TooLong(text.Length, "UCS2 code units", (MaxOctets - headerOctets) / 2);
                w.Advance(Ucs2.Write(text, w.Free));
                w.Patch(udl, headerOctets + text.Length * 2);
                break;
            }
            case SmsCoding.EightBit:
            {
                var bytes = data.IsDefault ? [] : data.AsSpan();
                if (headerOctets + bytes.Length > MaxOctets) throw TooLong(bytes.Length, "octets", MaxOctets - headerOctets);
                bytes.CopyTo(w.Free);
                w.Advance(bytes.Length);
                w.Patch(udl, headerOctets + bytes.Length);
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(coding), coding, "unknown coding");
        }
    }

    public static Content Read(ref PduReader r, bool hasHeader, SmsCoding coding)
    {
        var udlOffset = r.Position;
        var udl = r.Byte("TP-UDL");
        var septetCoded = coding == SmsCoding.Gsm7;
        if (septetCoded ? udl > MaxSeptets : udl > MaxOctets)
            throw new PduFormatException(septetCoded
                ? $"TP-UDL {udl} is more than the {MaxSeptets} septets an SMS holds"
                : $"TP-UDL {udl} is more than the {MaxOctets} octets an SMS holds", udlOffset);
        var udOffset = r.Position;
        var ud = r.Take(septetCoded ? SeptetPacking.PackedLength(udl) : udl, "TP-UD (shorter than TP-UDL says)");

        ConcatInfo? concat = null;
        var headerOctets = 0;
        if (hasHeader)
        {
            if (ud.IsEmpty)
                throw new PduFormatException("TP-UDHI says there is a user data header but TP-UDL is 0", udlOffset);
            headerOctets = ud[0] + 1;
            if (headerOctets > ud.Length)
                throw new PduFormatException($"the user data header length {ud[0]} is more than the user data's {ud.Length - 1} octets", udOffset);
            concat = UserDataHeader.Read(ud[1..headerOctets], udOffset + 1);
        }

        var body = ud[headerOctets..];
        switch (coding)
        {
            case SmsCoding.Gsm7:
            {
                var headerSeptets = headerOctets == 0 ? 0 : SeptetPacking.HeaderSeptets(headerOctets);
                if (headerSeptets > udl)
                    throw new PduFormatException($"the user data header takes {headerSeptets} septets, more than TP-UDL {udl}", udOffset);
                var fill = headerOctets == 0 ? 0 : SeptetPacking.FillBits(headerOctets);
                Span<byte> septets = stackalloc byte[udl - headerSeptets];
                SeptetPacking.Unpack(body, fill, septets);
                return new Content(Gsm7Alphabet.FromSeptets(septets), [.. septets], concat);
            }
            case SmsCoding.Ucs2:
                if (body.Length % 2 != 0)
                    throw new PduFormatException($"UCS2 user data has an odd number of octets ({body.Length})", udOffset + headerOctets);
                return new Content(Ucs2.Read(body), [.. body], concat);
            default:
                return new Content(Convert.ToHexString(body), [.. body], concat);
        }
    }

    private static ArgumentException TooLong(int length, string unit, int room) =>
        new($"the part is too long for one SMS: {length} {unit}, at most {room} fit", "text");
}

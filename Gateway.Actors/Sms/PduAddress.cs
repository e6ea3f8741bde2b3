namespace Gateway.Sms;

/// <summary>
/// The address fields of a PDU (3GPP TS 23.040 9.1.2.5): TP-OA, TP-DA and TP-RA, and the SMSC
/// address in front of the TPDU (24.011 8.2.5.1).
/// <list type="bullet">
/// <item>TP address: length in useful semi-octets, type of address, then the digits as swapped
/// semi-octets; for an alphanumeric address the text packed as GSM-7, and the length is the
/// semi-octets those septets fill.</item>
/// <item>SMSC address: length in octets (type of address included; 0 = none), type of address, digits.</item>
/// </list>
/// Type of address: 0x91 international (TON 001, ISDN plan), 0xA1 national (TON 010), 0x81
/// unknown (TON 000), 0xD0 alphanumeric (TON 101).
/// </summary>
public static class PduAddress
{
    /// <summary>Digits an address field can hold (10 octets of semi-octets).</summary>
    public const int MaxDigits = 20;

    /// <summary>Characters an alphanumeric address can hold (10 octets of GSM-7 septets).</summary>
    public const int MaxAlphanumericSeptets = 11;

    public const byte InternationalType = 0x91;
    public const byte NationalType = 0xA1;
    public const byte UnknownType = 0x81;
    public const byte AlphanumericType = 0xD0;

    /// <summary>Octets (type of address included) the SMSC address may take after its length octet.</summary>
    private const int MaxServiceCentreOctets = 11;

    internal static void Write(ref PduWriter w, SmsAddress address)
    {
        switch (address.Type)
        {
            case AddressType.Alphanumeric:
            {
                Span<byte> septets = stackalloc byte[MaxAlphanumericSeptets * 2];
                int count;
                try
                {
                    count = Gsm7Alphabet.ToSeptets(address.Value, septets);
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"alphanumeric address \"{address.Value}\": {e.Message}", nameof(address));
                }
                if (count > MaxAlphanumericSeptets)
                    throw new ArgumentException($"alphanumeric address \"{address.Value}\" takes {count} septets; at most {MaxAlphanumericSeptets} fit", nameof(address));
                w.Byte((count * 7 + 3) / 4);
                w.Byte(AlphanumericType);
                w.Advance(SeptetPacking.Pack(septets[..count], w.Free));
                break;
            }
            case AddressType.International:
            {
                var value = address.Value.AsSpan();
                if (value.Length < 2 || value[0] != '+' || !IsDecimal(value[1..]))
                    throw new ArgumentException($"international address \"{address.Value}\" must be + followed by digits", nameof(address));
                WriteDigits(ref w, value[1..], InternationalType);
                break;
            }
            default:
                WriteDigits(ref w, address.Value, address.Type == AddressType.National ? NationalType : UnknownType);
                break;
        }
    }

    private static void WriteDigits(ref PduWriter w, ReadOnlySpan<char> digits, byte type)
    {
        if (digits.Length > MaxDigits)
            throw new ArgumentException($"\"{digits}\" has {digits.Length} digits; an address holds at most {MaxDigits}", "address");
        w.Byte(digits.Length);
        w.Byte(type);
        w.Advance(SemiOctets.Write(digits, w.Free));
    }

    internal static SmsAddress Read(ref PduReader r, string field)
    {
        var start = r.Position;
        var length = r.Byte($"{field} length");
        if (length > MaxDigits)
            throw new PduFormatException($"{field} length {length} is more than the {MaxDigits} semi-octets an address can hold", start);
        var type = r.Byte($"{field} type of address");
        var octets = r.Take((length + 1) / 2, field);
        var typeOfNumber = (type >> 4) & 0x7;
        switch (typeOfNumber)
        {
            case 0b101:
            {
                Span<byte> septets = stackalloc byte[length * 4 / 7];
                SeptetPacking.Unpack(octets, 0, septets);
                return new SmsAddress(AddressType.Alphanumeric, Gsm7Alphabet.FromSeptets(septets));
            }
            case 0b001:
                return new SmsAddress(AddressType.International, "+" + SemiOctets.Read(octets, length));
            case 0b010:
                return new SmsAddress(AddressType.National, SemiOctets.Read(octets, length));
            default:
                return new SmsAddress(AddressType.Other, SemiOctets.Read(octets, length));
        }
    }

    /// <summary>Writes the SMSC prefix: <c>00</c> (use the SIM's) when <paramref name="serviceCentre"/> is null or empty.</summary>
    internal static void WriteServiceCentre(ref PduWriter w, string? serviceCentre)
    {
        if (string.IsNullOrEmpty(serviceCentre))
        {
            w.Byte(0);
            return;
        }
        var international = serviceCentre[0] == '+';
        var digits = serviceCentre.AsSpan(international ? 1 : 0);
        if (digits.IsEmpty || !IsDecimal(digits) || digits.Length > (MaxServiceCentreOctets - 1) * 2)
            throw new ArgumentException($"service centre \"{serviceCentre}\" must be an optional + and 1 to {(MaxServiceCentreOctets - 1) * 2} digits", nameof(serviceCentre));
        w.Byte(1 + (digits.Length + 1) / 2);
        w.Byte(international ? InternationalType : UnknownType);
        w.Advance(SemiOctets.Write(digits, w.Free));
    }

    /// <summary>Reads the SMSC prefix; null when its length is 0 (the SIM's default).</summary>
    internal static string? ReadServiceCentre(ref PduReader r)
    {
        var start = r.Position;
        var length = r.Byte("SMSC address length");
        if (length == 0) return null;
        if (length > MaxServiceCentreOctets)
            throw new PduFormatException($"SMSC address length {length} is more than {MaxServiceCentreOctets} octets (is the SMSC prefix really there?)", start);
        var type = r.Byte("SMSC type of address");
        var octets = r.Take(length - 1, "SMSC address");
        var digits = SemiOctets.Read(octets, octets.Length * 2);
        return ((type >> 4) & 0x7) == 0b001 ? "+" + digits : digits;
    }

    private static bool IsDecimal(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
            if (c is < '0' or > '9') return false;
        return true;
    }
}

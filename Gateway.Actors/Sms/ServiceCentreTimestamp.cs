namespace Gateway.Sms;

/// <summary>
/// TP-SCTS and TP-DT (3GPP TS 23.040 9.2.3.11): seven octets of swapped decimal semi-octets,
/// year (two digits: 90–99 read as 19yy, GSM's first decade, the rest as 20yy), month, day, hour, minute, second, time zone. The time zone
/// counts quarter hours from UTC; bit 3 of its octet is the sign (1 = west of Greenwich), so
/// +02:00 (8 quarters) is <c>80</c> and −03:00 (12 quarters) is <c>29</c>.
/// </summary>
public static class ServiceCentreTimestamp
{
    public const int Length = 7;

    /// <summary>DateTimeOffset allows at most ±14 hours.</summary>
    private const int MaxQuarterHours = 14 * 4;

    /// <summary>The years two digits can name here: 1990–2089.</summary>
    public const int FirstYear = 1990;

    internal static void Write(ref PduWriter w, DateTimeOffset time)
    {
        if (time.Year is < FirstYear or >= FirstYear + 100)
            throw new ArgumentException($"year {time.Year} is outside {FirstYear}–{FirstYear + 99}, which two digits can name", nameof(time));
        var quarters = (int)Math.Round(time.Offset.TotalMinutes / 15);
        if (quarters * 15 != (int)time.Offset.TotalMinutes)
            throw new ArgumentException($"time zone {time.Offset} is not a whole number of quarter hours", nameof(time));
        w.Byte(SemiOctets.WriteDecimal(time.Year % 100));
        w.Byte(SemiOctets.WriteDecimal(time.Month));
        w.Byte(SemiOctets.WriteDecimal(time.Day));
        w.Byte(SemiOctets.WriteDecimal(time.Hour));
        w.Byte(SemiOctets.WriteDecimal(time.Minute));
        w.Byte(SemiOctets.WriteDecimal(time.Second));
        var zone = SemiOctets.WriteDecimal(Math.Abs(quarters));
        w.Byte(quarters < 0 ? zone | 0x08 : zone);
    }

    internal static DateTimeOffset Read(ref PduReader r, string field)
    {
        var start = r.Position;
        var o = r.Take(Length, field);
        Span<int> v = stackalloc int[6];
        for (var i = 0; i < 6; i++)
        {
            v[i] = SemiOctets.ReadDecimal(o[i]);
            if (v[i] < 0) throw new PduFormatException($"{field} octet {o[i]:X2} is not two decimal digits", start + i);
        }
        var zoneOctet = o[6];
        var quarters = SemiOctets.ReadDecimal((byte)(zoneOctet & 0xF7));
        if (quarters < 0 || quarters > MaxQuarterHours)
            throw new PduFormatException($"{field} time zone octet {zoneOctet:X2} is not a quarter-hour offset of at most 14 hours", start + 6);
        if ((zoneOctet & 0x08) != 0) quarters = -quarters;
        int year = v[0] >= FirstYear % 100 ? 1900 + v[0] : 2000 + v[0], month = v[1], day = v[2], hour = v[3], minute = v[4], second = v[5];
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            throw new PduFormatException($"{field} {year:D4}-{month:D2}-{day:D2} {hour:D2}:{minute:D2}:{second:D2} is not a valid date and time", start);
        return new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromMinutes(quarters * 15));
    }
}

namespace Gateway.Sms;

/// <summary>
/// Relative TP-VP (3GPP TS 23.040 9.2.3.12.1), one octet:
/// 0–143: (v + 1) × 5 minutes (5 min … 12 h); 144–167: 12 h + (v − 143) × 30 min (… 24 h);
/// 168–196: (v − 166) days (2 … 30 days); 197–255: (v − 192) weeks (5 … 63 weeks).
/// </summary>
public static class ValidityPeriod
{
    public static readonly TimeSpan Shortest = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan Longest = TimeSpan.FromDays(63 * 7);

    /// <summary>The period an octet stands for.</summary>
    public static TimeSpan FromRelative(byte v) => v switch
    {
        <= 143 => TimeSpan.FromMinutes((v + 1) * 5),
        <= 167 => TimeSpan.FromHours(12) + TimeSpan.FromMinutes((v - 143) * 30),
        <= 196 => TimeSpan.FromDays(v - 166),
        _ => TimeSpan.FromDays((v - 192) * 7),
    };

    /// <summary>
    /// The octet for the shortest period at least as long as <paramref name="period"/>, so the
    /// network keeps trying for no less than asked; clamped to 5 minutes … 63 weeks.
    /// </summary>
    public static byte ToRelative(TimeSpan period)
    {
        if (period <= Shortest) return 0;
        if (period >= Longest) return 255;
        var minutes = Math.Ceiling(period.TotalMinutes);
        if (minutes <= 12 * 60) return (byte)(Math.Ceiling(minutes / 5) - 1);
        if (minutes <= 24 * 60) return (byte)(143 + Math.Ceiling((minutes - 12 * 60) / 30));
        var days = Math.Ceiling(period.TotalDays);
        if (days <= 30) return (byte)(166 + days);
        return (byte)(192 + Math.Ceiling(days / 7));
    }
}

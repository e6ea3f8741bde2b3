using Gateway.Configuration;

namespace Gateway.Modem;

/// <summary>
/// What one SIM has sent against its plan: SMS parts today and this month (the node's local
/// calendar, as operators bill), and when it last sent a part. Parts, not messages, because plans
/// bill parts. Pure and immutable; the module keeps it in memory and
/// <see cref="ModuleUsageJournal"/> makes it survive a restart.
/// </summary>
/// <param name="Day">The local calendar day the counters belong to.</param>
public sealed record ModuleUsage(DateOnly Day, int SentToday, int SentThisMonth, DateTimeOffset? LastSentAt) : IModemSerializable
{
    public static readonly ModuleUsage Empty = new(DateOnly.MinValue, 0, 0, null);

    /// <summary>The counters as they stand at <paramref name="now"/>: a new day starts today's count at 0, a new month the month's too.</summary>
    public ModuleUsage At(DateTimeOffset now, TimeZoneInfo zone)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        if (day <= Day) return this; // same day, or a clock that went back: keep counting
        var sameMonth = day.Year == Day.Year && day.Month == Day.Month;
        return this with { Day = day, SentToday = 0, SentThisMonth = sameMonth ? SentThisMonth : 0 };
    }

    /// <summary><paramref name="parts"/> more parts left (or may have left) at <paramref name="at"/>.</summary>
    public ModuleUsage Add(int parts, DateTimeOffset at, TimeZoneInfo zone)
    {
        var u = At(at, zone);
        return u with
        {
            SentToday = u.SentToday + parts,
            SentThisMonth = u.SentThisMonth + parts,
            LastSentAt = u.LastSentAt is { } last && last > at ? last : at,
        };
    }

    /// <summary>The larger count of the two for the same day (a journal that lost writes against what the module counted).</summary>
    public ModuleUsage Merge(ModuleUsage other)
    {
        if (other.Day != Day) return other.Day > Day ? other : this;
        return new ModuleUsage(Day, Math.Max(SentToday, other.SentToday), Math.Max(SentThisMonth, other.SentThisMonth),
            LastSentAt is { } a && other.LastSentAt is { } b ? (a > b ? a : b) : LastSentAt ?? other.LastSentAt);
    }

    /// <summary>Whether a message of <paramref name="parts"/> parts may start now; the limit that stops it, if any.</summary>
    public string? LimitReached(ModuleLimits limits, int parts, DateTimeOffset now, TimeZoneInfo zone)
    {
        var u = At(now, zone);
        if (limits.PerDay > 0 && u.SentToday + parts > limits.PerDay)
            return $"daily limit: {u.SentToday} of {limits.PerDay} parts sent today" + (parts > 1 ? $", this SMS needs {parts}" : "");
        if (limits.PerMonth > 0 && u.SentThisMonth + parts > limits.PerMonth)
            return $"monthly limit: {u.SentThisMonth} of {limits.PerMonth} parts sent this month" + (parts > 1 ? $", this SMS needs {parts}" : "");
        return null;
    }

    /// <summary>When the next part may go under <c>min-interval</c> pacing; null = now.</summary>
    public DateTimeOffset? NextSendAt(ModuleLimits limits, DateTimeOffset now) =>
        limits.MinInterval > TimeSpan.Zero && LastSentAt is { } last && last + limits.MinInterval > now ? last + limits.MinInterval : null;

    /// <summary>The status routing reads: counts and what is left under each limit.</summary>
    public ModuleUsageStatus Status(ModuleLimits limits, DateTimeOffset now, TimeZoneInfo zone)
    {
        var u = At(now, zone);
        return new ModuleUsageStatus(
            u.SentToday, u.SentThisMonth,
            limits.PerDay > 0 ? Math.Max(0, limits.PerDay - u.SentToday) : null,
            limits.PerMonth > 0 ? Math.Max(0, limits.PerMonth - u.SentThisMonth) : null,
            NextSendAt(limits, now));
    }

    /// <summary>The start of the next local day after <paramref name="now"/>, when a daily limit frees up.</summary>
    public static DateTimeOffset NextDayStart(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var midnight = DateTime.SpecifyKind(local.Date.AddDays(1), DateTimeKind.Unspecified);
        // A midnight that does not exist (a DST jump at 00:00) is an hour later.
        while (zone.IsInvalidTime(midnight)) midnight = midnight.AddHours(1);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }
}

using Gateway.Configuration;
using Gateway.Modem;
using Xunit;

namespace Gateway.Tests.Modem;

/// <summary>A SIM's usage counters alone: parts per local day and month, limits, pacing, day and month turns.</summary>
public class ModuleUsageTests
{
    private static readonly TimeZoneInfo Prague = TimeZoneInfo.FindSystemTimeZoneById("Europe/Prague");
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(1));
    private static readonly ModuleLimits Limits = new(PerDay: 10, PerMonth: 25, MinInterval: TimeSpan.FromSeconds(5));

    [Fact]
    public void Parts_are_counted_for_the_day_and_the_month_and_a_new_local_day_starts_at_zero()
    {
        var u = ModuleUsage.Empty.Add(3, Noon, Prague).Add(2, Noon.AddHours(1), Prague);
        Assert.Equal((5, 5), (u.SentToday, u.SentThisMonth));
        // 23:30 UTC is already the next day in Prague.
        var nextDay = u.At(new DateTimeOffset(2026, 11, 23, 23, 30, 0, TimeSpan.Zero), Prague);
        Assert.Equal((0, 5), (nextDay.SentToday, nextDay.SentThisMonth));
        var nextMonth = u.At(new DateTimeOffset(2026, 12, 1, 0, 0, 1, TimeSpan.FromHours(1)), Prague);
        Assert.Equal((0, 0), (nextMonth.SentToday, nextMonth.SentThisMonth));
    }

    [Fact]
    public void A_clock_that_goes_back_does_not_reset_the_counts()
    {
        var u = ModuleUsage.Empty.Add(4, Noon, Prague);
        Assert.Equal(4, u.At(Noon.AddDays(-1), Prague).SentToday);
    }

    [Fact]
    public void A_message_that_would_cross_the_daily_or_monthly_limit_is_refused_whole()
    {
        var u = ModuleUsage.Empty.Add(8, Noon, Prague);
        Assert.Null(u.LimitReached(Limits, 2, Noon, Prague));
        Assert.Equal("daily limit: 8 of 10 parts sent today, this SMS needs 3", u.LimitReached(Limits, 3, Noon, Prague));
        var month = ModuleUsage.Empty.Add(24, Noon.AddDays(-3), Prague);
        Assert.Equal("monthly limit: 24 of 25 parts sent this month, this SMS needs 2", month.LimitReached(Limits, 2, Noon, Prague));
        Assert.Null(u.LimitReached(ModuleLimits.None, 1000, Noon, Prague));
    }

    [Fact]
    public void The_status_tells_routing_what_is_left_and_when_pacing_lets_the_next_part_go()
    {
        var u = ModuleUsage.Empty.Add(10, Noon, Prague);
        var status = u.Status(Limits, Noon.AddSeconds(1), Prague);
        Assert.Equal((10, 10, 0, 15), (status.SentToday, status.SentThisMonth, status.RemainingToday!.Value, status.RemainingThisMonth!.Value));
        Assert.True(status.AtLimit);
        Assert.False(status.CanTake(1));
        Assert.Equal(Noon.AddSeconds(5), status.NextSendAt);
        Assert.Null(u.NextSendAt(Limits, Noon.AddSeconds(5)));

        var unlimited = u.Status(ModuleLimits.None with { MinInterval = TimeSpan.FromSeconds(1) }, Noon, Prague);
        Assert.Equal((null, null, true), (unlimited.RemainingToday, unlimited.Remaining, unlimited.CanTake(1000)));
    }

    [Fact]
    public void Merging_keeps_the_larger_count_of_the_same_day_or_the_later_day()
    {
        var journal = ModuleUsage.Empty.Add(5, Noon, Prague);
        var memory = ModuleUsage.Empty.Add(7, Noon.AddMinutes(1), Prague);
        Assert.Equal((7, 7), (journal.Merge(memory).SentToday, memory.Merge(journal).SentThisMonth));
        var tomorrow = ModuleUsage.Empty.Add(1, Noon.AddDays(1), Prague);
        Assert.Equal(tomorrow, journal.Merge(tomorrow));
    }

    [Fact]
    public void The_next_day_starts_at_local_midnight_even_across_a_daylight_saving_change()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.FromHours(1)), ModuleUsage.NextDayStart(Noon, Prague));
        // 28 March 2026 → 29 March, the night clocks go forward at 02:00: midnight still exists, at +01:00.
        var beforeDst = new DateTimeOffset(2026, 3, 28, 22, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.FromHours(1)), ModuleUsage.NextDayStart(beforeDst, Prague));
    }
}

namespace Gateway.Tests.Support;

/// <summary>
/// A clock the test moves by hand, for logic that depends on elapsed time (throttles, expiry) or on
/// the time of day (routing rules' hours, in <see cref="LocalTimeZone"/>; UTC unless given).
/// </summary>
public sealed class ManualTime(DateTimeOffset start, TimeZoneInfo? zone = null) : TimeProvider
{
    private readonly object _lock = new();
    private DateTimeOffset _now = start;

    public ManualTime() : this(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero)) { }

    public override TimeZoneInfo LocalTimeZone { get; } = zone ?? TimeZoneInfo.Utc;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    public void Advance(TimeSpan by)
    {
        lock (_lock) _now += by;
    }

    public void Set(DateTimeOffset now)
    {
        lock (_lock) _now = now;
    }
}

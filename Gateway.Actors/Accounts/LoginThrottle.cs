using System.Collections.Concurrent;

namespace Gateway.Accounts;

/// <summary><c>gateway.mail.login-throttle</c>: how failed log-ins slow down further attempts.</summary>
/// <param name="MaxFailures">Failures allowed within <paramref name="Window"/> before a lockout.</param>
/// <param name="Lockout">First lockout; each further failure while over the limit doubles it, up to <paramref name="MaxLockout"/>.</param>
public sealed record LoginThrottleSettings(int MaxFailures, TimeSpan Window, TimeSpan Lockout, TimeSpan MaxLockout)
{
    public static readonly LoginThrottleSettings Default = new(5, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(15));
}

/// <summary>
/// Counts failed log-ins per key (a user, a client address) and locks a key out for a while once
/// it has failed too often. Thread-safe; state is per node and in memory, which is enough to
/// make guessing slow.
/// </summary>
public sealed class LoginThrottle(LoginThrottleSettings settings, TimeProvider time)
{
    private sealed record Entry(int Failures, DateTimeOffset FirstFailure, DateTimeOffset LockedUntil);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>How long <paramref name="key"/> must still wait; zero when it may try.</summary>
    public TimeSpan RetryAfter(string key)
    {
        if (!_entries.TryGetValue(key, out var e)) return TimeSpan.Zero;
        var wait = e.LockedUntil - time.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    public void RecordFailure(string key)
    {
        var now = time.GetUtcNow();
        _entries.AddOrUpdate(key,
            _ => Next(new Entry(0, now, DateTimeOffset.MinValue), now),
            (_, e) => Next(now - e.FirstFailure > settings.Window ? new Entry(0, now, DateTimeOffset.MinValue) : e, now));
        if (_entries.Count > 100_000) Prune(now); // bounded memory under a spray of addresses
    }

    public void RecordSuccess(string key) => _entries.TryRemove(key, out _);

    private Entry Next(Entry e, DateTimeOffset now)
    {
        var failures = e.Failures + 1;
        if (failures < settings.MaxFailures) return e with { Failures = failures };
        var doublings = Math.Min(failures - settings.MaxFailures, 20);
        var lockout = TimeSpan.FromTicks(Math.Min(settings.Lockout.Ticks << doublings, settings.MaxLockout.Ticks));
        return e with { Failures = failures, LockedUntil = now + lockout };
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, e) in _entries)
            if (e.LockedUntil < now && now - e.FirstFailure > settings.Window)
                _entries.TryRemove(key, out _);
    }
}

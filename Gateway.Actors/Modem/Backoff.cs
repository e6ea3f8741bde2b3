namespace Gateway.Modem;

/// <summary>
/// Reopen delays: <c>min × 2^(attempt−1)</c>, capped at <c>max</c>, then spread by up to ±20%
/// (<paramref name="jitter"/> in [0,1) picks where) so modems that failed together (a USB hub
/// reset) are not all reopened in the same instant. Pure.
/// </summary>
public static class Backoff
{
    public const double Spread = 0.2;

    /// <param name="attempt">1 for the first reopen after a failure.</param>
    public static TimeSpan Delay(int attempt, TimeSpan min, TimeSpan max, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var exponent = Math.Min(attempt - 1, 30);
        var ticks = Math.Min((double)min.Ticks * Math.Pow(2, exponent), max.Ticks);
        var spread = 1 + Spread * (2 * Math.Clamp(jitter, 0, 1) - 1);
        return TimeSpan.FromTicks((long)Math.Min(ticks * spread, max.Ticks));
    }
}

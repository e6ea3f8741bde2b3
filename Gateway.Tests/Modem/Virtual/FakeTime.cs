using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Modem.Virtual;

/// <summary>Drives a <see cref="FakeTimeProvider"/> so waits in the virtual network pass without wall-clock time.</summary>
public static class FakeTime
{
    /// <summary>
    /// Advances fake time in small steps until <paramref name="task"/> completes and returns how much
    /// fake time that took. A timer created late only makes the figure larger, never smaller, so
    /// "at least the delay" checks cannot fail spuriously.
    /// </summary>
    public static async Task<TimeSpan> AdvanceUntilAsync(FakeTimeProvider time, Task task, TimeSpan? step = null, TimeSpan? limit = null)
    {
        var by = step ?? TimeSpan.FromMilliseconds(250);
        var max = limit ?? TimeSpan.FromMinutes(5);
        var advanced = TimeSpan.Zero;
        using var guard = new CancellationTokenSource(ModemLine.HangGuard);
        while (!task.IsCompleted)
        {
            if (advanced >= max) throw new TimeoutException($"not done after {max} of fake time");
            // Let the modem reach its timer before time moves on (real time, not asserted).
            await Task.WhenAny(task, Task.Delay(5, guard.Token));
            if (task.IsCompleted) break;
            time.Advance(by);
            advanced += by;
        }
        return advanced;
    }
}

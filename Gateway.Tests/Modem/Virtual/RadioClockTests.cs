using System.Diagnostics;
using Gateway.Modem.Virtual;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Gateway.Tests.Modem.Virtual;

/// <summary>The virtual network's clock for sends: never early, in due order, cancellable, and an ordinary delay on a test clock.</summary>
public class RadioClockTests
{
    [Fact]
    public async Task A_wait_never_ends_before_its_time()
    {
        var waits = Enumerable.Range(1, 20).Select(async i =>
        {
            var delay = TimeSpan.FromMilliseconds(5 * i);
            var started = Stopwatch.GetTimestamp();
            await RadioClock.Delay(delay, TimeProvider.System, CancellationToken.None);
            return (delay, Stopwatch.GetElapsedTime(started));
        }).ToArray();
        foreach (var (delay, waited) in await Task.WhenAll(waits))
            Assert.True(waited >= delay, $"a {delay.TotalMilliseconds} ms wait ended after {waited.TotalMilliseconds:0.000} ms");
    }

    [Fact]
    public async Task Waits_end_in_the_order_they_fall_due_whatever_the_order_they_began()
    {
        var ended = new List<int>();
        int[] order = [7, 2, 9, 0, 5, 3, 8, 1, 6, 4];
        var waits = order.Select(async i =>
        {
            await RadioClock.Delay(TimeSpan.FromMilliseconds(40 + 15 * i), TimeProvider.System, CancellationToken.None);
            lock (ended) ended.Add(i); // runs on the clock's thread, one wait after the other
        }).ToArray();
        await Task.WhenAll(waits);
        Assert.Equal(Enumerable.Range(0, 10), ended);
    }

    [Fact]
    public async Task A_cancelled_wait_ends_as_cancelled_and_the_clock_goes_on()
    {
        using var cancel = new CancellationTokenSource();
        var longWait = RadioClock.Delay(TimeSpan.FromHours(1), TimeProvider.System, cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => longWait);
        Assert.True(longWait.IsCanceled);

        await RadioClock.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RadioClock.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, cancel.Token));
    }

    [Fact]
    public async Task On_a_test_clock_a_wait_ends_only_when_that_clock_has_moved_on()
    {
        var time = new FakeTimeProvider();
        var wait = RadioClock.Delay(TimeSpan.FromSeconds(5), time, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await wait.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

using System.Diagnostics;

namespace Gateway.Modem.Virtual;

/// <summary>
/// The virtual network's sense of time for sends: a send that takes 100 ms answers 100 ms after
/// its PDU, however busy the process is. A real modem answers when the radio is done, not when
/// the gateway's threads are free; a <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/>
/// resumes through the thread pool's queue, behind the gateway's own work, and on a loaded 2-core
/// node that stretched every 100 ms send by 2.2 ms on average: the virtual modem became slower than
/// the modem it stands for, and benchmarks blamed the gateway for it.
/// <para>
/// One background thread keeps the due times and completes each wait on itself, so the modem's
/// answer is written at once (what follows the wait is short: a lock, a hand-off to the network,
/// a write into the line). A wait ends at most about a millisecond late; never early. Under a
/// clock other than the system's (tests that move time by hand) it is an ordinary delay on that clock.
/// </para>
/// </summary>
internal static class RadioClock
{
    private sealed class Wait
    {
        // Not RunContinuationsAsynchronously: the waiting modem goes on on the clock's thread.
        public readonly TaskCompletionSource Done = new();
        public CancellationTokenRegistration Cancellation;
    }

    private static readonly object Gate = new();
    private static readonly PriorityQueue<Wait, long> Due = new();
    private static Thread? _thread;

    /// <summary>Completes after <paramref name="delay"/> (on <paramref name="time"/>'s clock), or is cancelled.</summary>
    public static Task Delay(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        if (time != TimeProvider.System) return Task.Delay(delay, time, cancellationToken);
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled(cancellationToken);
        if (delay <= TimeSpan.Zero) return Task.CompletedTask;

        var wait = new Wait();
        var due = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
        lock (Gate)
        {
            Due.Enqueue(wait, due);
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "virtual radio clock" };
                _thread.Start();
            }
            Monitor.Pulse(Gate);
        }
        if (cancellationToken.CanBeCanceled)
            wait.Cancellation = cancellationToken.Register(() => wait.Done.TrySetCanceled(cancellationToken));
        return wait.Done.Task;
    }

    private static void Run()
    {
        while (true)
        {
            Wait ready;
            lock (Gate)
            {
                while (true)
                {
                    if (!Due.TryPeek(out var first, out var due))
                    {
                        Monitor.Wait(Gate);
                        continue;
                    }
                    var left = due - Stopwatch.GetTimestamp();
                    if (left <= 0)
                    {
                        ready = Due.Dequeue();
                        break;
                    }
                    // Whole milliseconds, rounded up: late by less than one, never early, no spinning.
                    Monitor.Wait(Gate, (int)Math.Ceiling(left * 1000.0 / Stopwatch.Frequency));
                }
            }
            ready.Cancellation.Dispose();
            ready.Done.TrySetResult(); // a modem's failure after its wait lands in that modem's task, not here
        }
    }
}

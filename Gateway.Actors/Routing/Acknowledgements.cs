using Akka.Actor;
using Akka.Event;
using Gateway.Configuration;

namespace Gateway.Routing;

/// <summary>Timer message of <see cref="Acknowledgements"/>: send <see cref="Key"/>'s request again.</summary>
internal sealed record AckDue(string Key);

/// <summary>
/// The records an actor must see acknowledged (job progress in the mailbox, an AutoCLIP record, a
/// sent-parts entry, a bounce in the mailbox), each under a key with its own timer
/// (<see cref="IWithTimers"/> key <c>ack:&lt;key&gt;</c>). A request unanswered within
/// <c>routing.sending.ack-timeout</c> is sent again (every receiver is idempotent); a refusal is
/// retried after a back-off, at most <see cref="MaxRefusals"/> times, then dropped and logged as an
/// error. Owned by one actor and used only from its receive.
/// </summary>
internal sealed class Acknowledgements(string owner, IActorRef self, ITimerScheduler timers, SendingSettings settings, ILoggingAdapter log)
{
    /// <summary>Refusals of one request after which it is given up (a refusal that repeats is not going to change).</summary>
    public const int MaxRefusals = 5;

    private sealed class Pending(IActorRef target, object message)
    {
        public IActorRef Target { get; } = target;
        public object Message { get; set; } = message;
        public int Sends { get; set; }
        public int Refusals { get; set; }
    }

    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Random _jitter = new();

    public int Count => _pending.Count;

    public bool IsPending(string key) => _pending.ContainsKey(key);

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> until it is acknowledged under <paramref name="key"/>.</summary>
    public void Send(string key, IActorRef target, object message)
    {
        var pending = new Pending(target, message);
        _pending[key] = pending;
        Transmit(key, pending);
    }

    /// <summary>The request under <paramref name="key"/> was acknowledged; false if none was pending.</summary>
    public bool Acknowledged(string key)
    {
        if (!_pending.Remove(key)) return false;
        timers.Cancel(TimerKey(key));
        return true;
    }

    /// <summary>The receiver refused the request; it is sent again after a back-off, up to <see cref="MaxRefusals"/> times.</summary>
    public void Refused(string key, string reason)
    {
        if (!_pending.TryGetValue(key, out var pending)) return;
        pending.Refusals++;
        if (pending.Refusals >= MaxRefusals)
        {
            log.Error("{0}: {1} refused {2} times, given up: {3}", owner, Describe(pending.Message), pending.Refusals, reason);
            Acknowledged(key);
            return;
        }
        var delay = new RetryPolicy(settings).Backoff(pending.Refusals, _jitter.NextDouble());
        log.Warning("{0}: {1} refused ({2}); trying again in {3}", owner, Describe(pending.Message), reason, ConfigValues.FormatDuration(delay));
        timers.StartSingleTimer(TimerKey(key), new AckDue(key), delay);
    }

    /// <summary>The timer of <paramref name="due"/> fired: send the request again.</summary>
    public void OnDue(AckDue due)
    {
        if (!_pending.TryGetValue(due.Key, out var pending)) return;
        if (pending.Sends >= 3 && pending.Refusals == 0)
            log.Warning("{0}: no answer to {1} after {2} tries; trying again", owner, Describe(pending.Message), pending.Sends);
        Transmit(due.Key, pending);
    }

    private void Transmit(string key, Pending pending)
    {
        pending.Sends++;
        pending.Target.Tell(pending.Message, self);
        // After a timeout the next try waits longer (up to retry-backoff-max), so a receiver that is down is not flooded.
        var wait = pending.Sends <= 1 ? settings.AckTimeout : Min(settings.AckTimeout * pending.Sends, Max(settings.AckTimeout, settings.RetryBackoffMax));
        timers.StartSingleTimer(TimerKey(key), new AckDue(key), wait);
    }

    private static string TimerKey(string key) => "ack:" + key;

    private static string Describe(object message) => message.GetType().Name;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

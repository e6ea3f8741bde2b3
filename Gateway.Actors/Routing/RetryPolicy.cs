using System.Collections.Immutable;
using Gateway.Configuration;

namespace Gateway.Routing;

/// <summary>
/// Where a job stands in its attempts: sends made (over all modules and rounds), the round
/// (a round ends when every usable module failed it once), the modules tried in this round, since
/// when it has been waiting for any module at all, how many waits there were, and the last failure.
/// </summary>
public sealed record JobAttempts(int Attempts, int Round, ImmutableHashSet<string> Tried, DateTimeOffset? WaitingSince, int Waits, string? LastFailure)
{
    public static readonly JobAttempts Start = new(0, 1, ImmutableHashSet<string>.Empty, null, 0, null);
}

/// <summary>What a job does next.</summary>
public abstract record RetryStep
{
    /// <summary>Choose a module again now (the failed one is in <see cref="JobAttempts.Tried"/>).</summary>
    public sealed record TryAgain(JobAttempts Next) : RetryStep;

    /// <summary>Choose a module again after <see cref="Delay"/>.</summary>
    public sealed record Wait(TimeSpan Delay, JobAttempts Next) : RetryStep;

    /// <summary>The job fails; <see cref="Reason"/> goes into the job's record and the bounce.</summary>
    public sealed record GiveUp(string Reason) : RetryStep;
}

/// <summary>
/// The retry policy of outgoing jobs, pure (<c>routing.sending</c>):
/// <list type="bullet">
/// <item>A permanent failure (the network or the modem refuses the message itself) ends the job.</item>
/// <item>A retryable failure (network trouble, a timeout, a module gone) moves on to another usable
/// module at once, the next group when the group has none left; when every usable module failed
/// once, the job waits <c>retry-backoff-min</c> (doubling per round up to <c>retry-backoff-max</c>,
/// ±20% so jobs that failed together do not return together) and starts a new round. After
/// <c>max-attempts</c> sends it ends.</item>
/// <item>A module at its limit is skipped for the round without counting as an attempt.</item>
/// <item>While no module of the job's groups is usable at all it waits with the same back-off, up
/// to <c>no-module-wait</c> in all, then ends saying why no module could take it.</item>
/// </list>
/// </summary>
public sealed class RetryPolicy(SendingSettings settings)
{
    private const double Spread = 0.2;

    /// <summary>A module was chosen and the SMS handed to it: one more attempt; the wait for a module is over.</summary>
    public static JobAttempts Dispatched(JobAttempts a) => a with { Attempts = a.Attempts + 1, WaitingSince = null, Waits = 0 };

    /// <summary>The send through <paramref name="module"/> failed.</summary>
    public RetryStep AfterFailure(JobAttempts a, string module, string reason, bool retryable, bool moduleAtLimit)
    {
        var failure = $"{module}: {reason}";
        if (moduleAtLimit)
            return new RetryStep.TryAgain(a with { Tried = a.Tried.Add(module), Attempts = Math.Max(0, a.Attempts - 1), LastFailure = failure });
        if (!retryable) return new RetryStep.GiveUp($"refused for good by {failure}");
        if (a.Attempts >= settings.MaxAttempts)
            return new RetryStep.GiveUp($"gave up after {a.Attempts} attempt(s); the last: {failure}");
        return new RetryStep.TryAgain(a with { Tried = a.Tried.Add(module), LastFailure = failure });
    }

    /// <summary>The selector found no module for the job (<paramref name="choice"/> says why).</summary>
    /// <param name="jitter">In [0, 1): where in the ±20% spread the delay falls.</param>
    public RetryStep AfterUnavailable(JobAttempts a, ModuleChoice.Unavailable choice, DateTimeOffset now, double jitter)
    {
        if (choice.TriedOnly)
            return new RetryStep.Wait(Backoff(a.Round, jitter), a with { Round = a.Round + 1, Tried = ImmutableHashSet<string>.Empty });

        var since = a.WaitingSince ?? now;
        var waited = now - since;
        if (waited >= settings.NoModuleWait)
        {
            var last = a.LastFailure is null ? "" : $"; the last failure: {a.LastFailure}";
            return new RetryStep.GiveUp($"no module could take it for {ConfigValues.FormatDuration(settings.NoModuleWait)} ({choice.Reason}){last}");
        }
        var delay = Backoff(a.Waits + 1, jitter);
        var left = settings.NoModuleWait - waited;
        // Whatever was tried before, a module that comes back is welcome: the round starts over.
        return new RetryStep.Wait(delay < left ? delay : left, a with { WaitingSince = since, Waits = a.Waits + 1, Tried = ImmutableHashSet<string>.Empty });
    }

    /// <summary><c>retry-backoff-min × 2^(n−1)</c>, capped at <c>retry-backoff-max</c>, spread by ±20%.</summary>
    public TimeSpan Backoff(int n, double jitter)
    {
        var ticks = Math.Min(settings.RetryBackoffMin.Ticks * Math.Pow(2, Math.Clamp(n - 1, 0, 30)), settings.RetryBackoffMax.Ticks);
        var spread = 1 + Spread * (2 * Math.Clamp(jitter, 0, 1) - 1);
        return TimeSpan.FromTicks((long)Math.Clamp(ticks * spread, 1, settings.RetryBackoffMax.Ticks));
    }
}

using Gateway.Configuration;
using Gateway.Routing;
using Xunit;

namespace Gateway.Tests.Routing;

/// <summary>The retry policy alone: next module, rounds with back-off, limits, no module at all.</summary>
public class RetryPolicyTests
{
    private static readonly SendingSettings Settings = SendingSettings.Default with
    {
        MaxAttempts = 4,
        RetryBackoffMin = TimeSpan.FromSeconds(2),
        RetryBackoffMax = TimeSpan.FromSeconds(10),
        NoModuleWait = TimeSpan.FromMinutes(1),
    };

    private static readonly RetryPolicy Policy = new(Settings);
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static readonly ModuleChoice.Unavailable RoundOver = new("a: a1 already tried", TriedOnly: true);
    private static readonly ModuleChoice.Unavailable NothingUsable = new("a: a1 down (gone)", TriedOnly: false);

    [Fact]
    public void A_retryable_failure_marks_the_module_tried_and_chooses_again_at_once()
    {
        var a = RetryPolicy.Dispatched(JobAttempts.Start);
        var next = Assert.IsType<RetryStep.TryAgain>(Policy.AfterFailure(a, "a1", "+CMS ERROR: 331 no network", retryable: true, moduleAtLimit: false)).Next;
        Assert.Equal((1, "a1: +CMS ERROR: 331 no network"), (next.Attempts, next.LastFailure));
        Assert.Equal(["a1"], next.Tried);
    }

    [Fact]
    public void A_permanent_failure_ends_the_job_at_once()
    {
        var a = RetryPolicy.Dispatched(JobAttempts.Start);
        var end = Assert.IsType<RetryStep.GiveUp>(Policy.AfterFailure(a, "a1", "unknown subscriber", retryable: false, moduleAtLimit: false));
        Assert.Equal("refused for good by a1: unknown subscriber", end.Reason);
    }

    [Fact]
    public void When_every_usable_module_failed_once_the_job_waits_a_doubling_back_off_and_starts_a_new_round()
    {
        var a = RetryPolicy.Dispatched(JobAttempts.Start);
        a = ((RetryStep.TryAgain)Policy.AfterFailure(a, "a1", "x", true, false)).Next;
        var wait = Assert.IsType<RetryStep.Wait>(Policy.AfterUnavailable(a, RoundOver, T0, jitter: 0.5));
        Assert.Equal(TimeSpan.FromSeconds(2), wait.Delay);
        Assert.Equal((2, 0), (wait.Next.Round, wait.Next.Tried.Count));

        var second = Assert.IsType<RetryStep.Wait>(Policy.AfterUnavailable(wait.Next with { Tried = ["a1"] }, RoundOver, T0, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(4), second.Delay);
    }

    [Fact]
    public void Back_off_is_capped_and_spread_by_at_most_twenty_percent()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), Policy.Backoff(10, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(1.6), Policy.Backoff(1, 0));
        Assert.Equal(TimeSpan.FromSeconds(10), Policy.Backoff(10, 0.999)); // never above the cap
    }

    [Fact]
    public void After_max_attempts_the_job_gives_up_naming_the_last_failure()
    {
        var a = JobAttempts.Start;
        for (var i = 0; i < Settings.MaxAttempts - 1; i++)
            a = ((RetryStep.TryAgain)Policy.AfterFailure(RetryPolicy.Dispatched(a), "a1", "timeout", true, false)).Next;
        var end = Assert.IsType<RetryStep.GiveUp>(Policy.AfterFailure(RetryPolicy.Dispatched(a), "a2", "no network", true, false));
        Assert.Equal("gave up after 4 attempt(s); the last: a2: no network", end.Reason);
    }

    [Fact]
    public void A_module_at_its_limit_is_skipped_without_using_up_an_attempt()
    {
        var a = RetryPolicy.Dispatched(JobAttempts.Start);
        var next = Assert.IsType<RetryStep.TryAgain>(Policy.AfterFailure(a, "a1", "daily limit", retryable: true, moduleAtLimit: true)).Next;
        Assert.Equal((0, true), (next.Attempts, next.Tried.Contains("a1")));
    }

    [Fact]
    public void With_no_usable_module_the_job_waits_up_to_no_module_wait_and_then_gives_up_saying_why()
    {
        var a = JobAttempts.Start;
        var now = T0;
        var waited = new List<TimeSpan>();
        while (true)
        {
            var step = Policy.AfterUnavailable(a, NothingUsable, now, 0.5);
            if (step is RetryStep.GiveUp end)
            {
                Assert.Equal("no module could take it for 1m (a: a1 down (gone))", end.Reason);
                break;
            }
            var wait = Assert.IsType<RetryStep.Wait>(step);
            waited.Add(wait.Delay);
            a = wait.Next;
            now += wait.Delay;
        }
        Assert.Equal(TimeSpan.FromMinutes(1), waited.Aggregate(TimeSpan.Zero, (x, y) => x + y));
        Assert.Equal([2, 4, 8, 10, 10, 10, 10, 6], waited.Select(w => w.TotalSeconds));
    }

    [Fact]
    public void A_dispatch_ends_the_wait_for_a_module()
    {
        var waiting = ((RetryStep.Wait)Policy.AfterUnavailable(JobAttempts.Start, NothingUsable, T0, 0.5)).Next;
        Assert.NotNull(waiting.WaitingSince);
        var sent = RetryPolicy.Dispatched(waiting);
        Assert.Equal((null, 0, 1), (sent.WaitingSince, sent.Waits, sent.Attempts));
    }
}

using Akka.Actor;
using Akka.Event;
using Gateway.Configuration;

namespace Gateway.Modem;

// Sending limits of the SIM (modules.<name>.limits): parts per day and per month (its plan) and a
// minimum interval between parts (operator pacing). Enforced here because every send to the SIM
// passes this actor, whichever router asked. Counts are parts, since plans bill parts, kept in
// memory and made durable by the ModuleUsageJournal child; published in ModuleStatus.Usage so
// routing skips a module at its limit. A job that would cross a limit is refused whole
// (retryable, ModuleAtLimit): all parts of one message go through one module or none.
public sealed partial class GsmModule
{
    private sealed class PaceDue
    {
        public static PaceDue Instance { get; } = new();
    }

    private sealed class UsageRollover
    {
        public static UsageRollover Instance { get; } = new();
    }

    private sealed class AskUsage
    {
        public static AskUsage Instance { get; } = new();
    }

    private const string PaceTimer = "pace";
    private const string RolloverTimer = "usage-rollover";
    private const string AskUsageTimer = "usage-ask";

    private ModuleUsage _usage = ModuleUsage.Empty;
    private bool _usageLoaded;
    private IActorRef? _usageJournal;

    private bool HasLimits => _module.Limits != ModuleLimits.None;

    private void StartUsage()
    {
        if (!HasLimits)
        {
            _usageLoaded = true; // nothing to enforce, nothing to wait for
            return;
        }
        // The bank's journal outlives this actor; a module on its own keeps one as its child.
        _usageJournal = _usageJournalGiven ?? Context.ActorOf(ModuleUsageJournal.Props(Name, _time.LocalTimeZone), "usage");
        AskForUsage();
    }

    /// <summary>Asks for the stored counters, and again every command-timeout until they come (a journal may be restarting).</summary>
    private void AskForUsage()
    {
        _usageJournal!.Tell(ModuleUsageJournal.GetUsage.Instance);
        Timers.StartSingleTimer(AskUsageTimer, AskUsage.Instance, _timings.CommandTimeout);
    }

    private void UsageHandlers()
    {
        Receive<ModuleUsageJournal.UsageLoaded>(loaded =>
        {
            Timers.Cancel(AskUsageTimer);
            _usage = _usage.Merge(loaded.Usage);
            if (!_usageLoaded) _log.Info("{0}: {1}", Name, UsageStatus()!.Describe());
            _usageLoaded = true;
            PublishStatus();
            DispatchIfIdle();
        });
        Receive<AskUsage>(_ =>
        {
            if (_usageLoaded) return;
            _log.Warning("{0}: the SIM's usage counter has not answered within {1}; asking again (nothing is sent meanwhile)", Name, Format(_timings.CommandTimeout));
            AskForUsage();
        });
        Receive<PaceDue>(_ => DispatchIfIdle());
        Receive<UsageRollover>(_ => PublishStatus());
    }

    /// <summary>The limit a job of <paramref name="parts"/> parts would cross, or null.</summary>
    private string? LimitReached(int parts) =>
        HasLimits ? _usage.LimitReached(_module.Limits, parts, _time.GetUtcNow(), _time.LocalTimeZone) : null;

    /// <summary>When min-interval pacing lets the next part go (and a timer to try then), or null for now.</summary>
    private DateTimeOffset? PacedUntil()
    {
        if (!HasLimits) return null;
        var now = _time.GetUtcNow();
        if (_usage.NextSendAt(_module.Limits, now) is not { } next) return null;
        Timers.StartSingleTimer(PaceTimer, PaceDue.Instance, next - now);
        return next;
    }

    private void CountPartSent()
    {
        if (!HasLimits) return;
        var now = _time.GetUtcNow();
        _usage = _usage.Add(1, now, _time.LocalTimeZone);
        _usageJournal?.Tell(new ModuleUsageJournal.RecordUsage(1, now));
    }

    private ModuleUsageStatus? UsageStatus() =>
        HasLimits ? _usage.Status(_module.Limits, _time.GetUtcNow(), _time.LocalTimeZone) : null;

    /// <summary>At a limit: publish again when the local day turns, which may free it.</summary>
    private void ScheduleRollover()
    {
        var now = _time.GetUtcNow();
        Timers.StartSingleTimer(RolloverTimer, UsageRollover.Instance, ModuleUsage.NextDayStart(now, _time.LocalTimeZone) - now + TimeSpan.FromSeconds(1));
    }
}

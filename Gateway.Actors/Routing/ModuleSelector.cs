using System.Collections.Immutable;
using Gateway.Configuration;

namespace Gateway.Routing;

/// <summary>What a job asks of the selector.</summary>
/// <param name="Groups">The job's SMS groups in order of preference (the rule's groups the user may use).</param>
/// <param name="Sticky">The module AutoCLIP names for (user, number), if any: preferred so the reply comes back where it can be matched.</param>
/// <param name="Tried">Modules that already failed this job in the current round: skipped.</param>
/// <param name="Parts">SMS parts of the message (a module must have room for all of them under its limits).</param>
public sealed record ModuleRequest(ImmutableArray<string> Groups, string? Sticky, ImmutableHashSet<string> Tried, int Parts);

/// <summary>The selector's answer.</summary>
public abstract record ModuleChoice
{
    /// <summary>Send through <see cref="Module"/> of <see cref="Group"/>; <see cref="Sticky"/> when it is the AutoCLIP module.</summary>
    public sealed record Chosen(string Module, string Group, bool Sticky) : ModuleChoice;

    /// <summary>Modules of <see cref="Group"/> can take the job, but each already holds its window of jobs: wait for one to answer.</summary>
    public sealed record Busy(string Group) : ModuleChoice;

    /// <summary>
    /// No module of any of the job's groups can take it now. <see cref="TriedOnly"/>: some could,
    /// but every one of them already failed this job in this round (time for a back-off and a new
    /// round); otherwise none is usable at all (down, unregistered, at a limit, or none configured).
    /// </summary>
    public sealed record Unavailable(string Reason, bool TriedOnly) : ModuleChoice;
}

/// <summary>
/// Chooses the module for a job. Pure: the board, the request and the group settings in, a choice
/// out. Rules, in order:
/// <list type="number">
/// <item>Only usable modules (<see cref="ModuleView.Unusable"/>: ready, registered, not needing an
/// operator, room for every part under its limits) not yet tried in this round.</item>
/// <item>Sticky: the AutoCLIP module, if it belongs to any of the job's groups and is usable, is
/// taken whatever the group order (waiting for it when it is busy), so the reply comes back to the
/// module whose AutoCLIP record names the user.</item>
/// <item>Groups in order: the first group with a usable module is the job's group; later groups are
/// fallbacks for when a whole group cannot take it, not for overflow, so a busy first group is
/// waited for.</item>
/// <item>Inside the group, among modules below their window of handed jobs: <c>least-busy</c> takes
/// the lowest <see cref="ModuleView.Load"/> (a module held back by min-interval pacing only when
/// no other is free), ties broken first for this node's own modules (no network hop, statuses
/// current) and then by rotation after the module chosen last; <c>round-robin</c> takes
/// the next in name order after the module chosen last.</item>
/// </list>
/// </summary>
public static class ModuleSelector
{
    public static ModuleChoice Choose(ModuleBoard board, ModuleRequest request, IReadOnlyDictionary<string, SmsGroupSettings> groups, int window, DateTimeOffset now)
    {
        if (request.Sticky is { } sticky
            && board.Modules.TryGetValue(sticky, out var stickyView)
            && request.Groups.Contains(stickyView.Group)
            && !request.Tried.Contains(sticky)
            && stickyView.Unusable(request.Parts) is null)
        {
            return stickyView.Load < window ? new ModuleChoice.Chosen(sticky, stickyView.Group, Sticky: true) : new ModuleChoice.Busy(stickyView.Group);
        }

        var reasons = new List<string>();
        var triedUsable = 0;
        foreach (var group in request.Groups)
        {
            var members = board.InGroup(group).ToArray();
            if (members.Length == 0)
            {
                reasons.Add($"{group}: no modules");
                continue;
            }
            var usable = new List<ModuleView>();
            var why = new List<string>();
            foreach (var m in members)
            {
                if (m.Unusable(request.Parts) is { } problem) why.Add($"{m.Name} {problem}");
                else if (request.Tried.Contains(m.Name))
                {
                    triedUsable++;
                    why.Add($"{m.Name} already tried");
                }
                else usable.Add(m);
            }
            if (usable.Count == 0)
            {
                reasons.Add($"{group}: {string.Join(", ", why)}");
                continue;
            }
            var free = usable.Where(m => m.Load < window).ToList();
            if (free.Count == 0) return new ModuleChoice.Busy(group);
            var policy = groups.TryGetValue(group, out var g) ? g.Selection : ModuleSelection.LeastBusy;
            var rotation = Rotation(free, board.LastChosen.GetValueOrDefault(group));
            var chosen = policy == ModuleSelection.RoundRobin
                ? rotation[0]
                : rotation.Select((m, i) => (m, i)).OrderBy(x => x.m.Paced(now)).ThenBy(x => x.m.Load).ThenBy(x => !x.m.Local).ThenBy(x => x.i).First().m;
            return new ModuleChoice.Chosen(chosen.Name, group, Sticky: false);
        }
        return new ModuleChoice.Unavailable(reasons.Count == 0 ? "the job has no SMS group" : string.Join("; ", reasons), TriedOnly: triedUsable > 0);
    }

    /// <summary>The modules in name order, starting after <paramref name="last"/> (the one chosen last in the group).</summary>
    private static List<ModuleView> Rotation(List<ModuleView> modules, string? last)
    {
        modules.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        if (last is null) return modules;
        var start = modules.FindIndex(m => string.CompareOrdinal(m.Name, last) > 0);
        if (start <= 0) return modules;
        return [.. modules.Skip(start), .. modules.Take(start)];
    }
}

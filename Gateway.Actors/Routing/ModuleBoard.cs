using System.Collections.Immutable;
using Gateway.Configuration;
using Gateway.Modem;

namespace Gateway.Routing;

/// <summary>
/// One module as the router sees it: its group (from the configuration, which every node has),
/// its last published <see cref="ModuleStatus"/> (null until one arrives), and the jobs this
/// router has handed it and not yet heard back about (<see cref="Handed"/> jobs of <see cref="HandedParts"/> parts).
/// <see cref="Local"/>: driven by this node (preferred at equal load); false for another node's module.
/// </summary>
public sealed record ModuleView(string Name, string Group, ModuleStatus? Status, int Handed, int HandedParts, bool Local = true)
{
    /// <summary>
    /// Jobs at the module. A module of this node: the larger of what this router handed it and what
    /// it last reported (the report also counts other senders' jobs, and arrives at once). Another
    /// node's module: only what this router handed it, which is exact and current; its reported load
    /// comes through the registry several hundred milliseconds late, by when a modem sending an SMS
    /// every 200 ms has long emptied the queue it reports, so counting it left remote modules idle.
    /// Other routers' jobs wait in the module's own queue (<c>modem.max-queued-sends</c>).
    /// </summary>
    public int Load => Local ? Math.Max(Handed, Status?.Load ?? 0) : Handed;

    /// <summary>Why the module cannot take a message of <paramref name="parts"/> parts now, or null when it can.</summary>
    public string? Unusable(int parts) => Status switch
    {
        null => "no status yet",
        { NeedsOperator: true } s => $"needs an operator ({s.LastError ?? "down"})",
        { State: ModuleState.Down } s => $"down ({s.LastError ?? "stopped"})",
        { State: not ModuleState.Ready } s => s.State.ToString().ToLowerInvariant(),
        { Registered: false } => "not registered with the network",
        { Usage: { } u } when !u.CanTake(parts) => u.AtLimit ? "at its limit" : $"has {u.Remaining} part(s) left under its limit, the SMS needs {parts}",
        _ => null,
    };

    /// <summary>Whether min-interval pacing holds the module's next part back at <paramref name="now"/>.</summary>
    public bool Paced(DateTimeOffset now) => Status?.Usage?.NextSendAt is { } at && at > now;
}

/// <summary>
/// The router's picture of the modules: every configured module with its latest status and the
/// jobs handed to it, and the module chosen last in each group (for rotation). Immutable; the
/// router replaces it on every change. Behind it sits whatever feeds statuses in (this node's
/// modem bank today; a cluster-wide view later).
/// </summary>
public sealed record ModuleBoard(ImmutableSortedDictionary<string, ModuleView> Modules, ImmutableDictionary<string, string> LastChosen)
{
    /// <param name="localNode">This node's name: modules configured for another node are not local. Null = all are local.</param>
    public static ModuleBoard For(IEnumerable<ModuleSettings> modules, string? localNode = null) => new(
        modules.ToImmutableSortedDictionary(m => m.Name, m => new ModuleView(m.Name, m.Group, null, 0, 0, localNode is null || m.Node == localNode), StringComparer.Ordinal),
        ImmutableDictionary<string, string>.Empty);

    /// <summary>
    /// The status of another node's module, with its group (the cluster's registry says it; this
    /// node's configuration need not know the module). A module of this node is not taken over.
    /// </summary>
    public ModuleBoard WithRemote(ModuleStatus status, string group)
    {
        if (Modules.TryGetValue(status.Module, out var view))
            return view.Local
                ? this
                : this with { Modules = Modules.SetItem(status.Module, view with { Group = group, Status = status, Local = false }) };
        return this with { Modules = Modules.Add(status.Module, new ModuleView(status.Module, group, status, 0, 0, Local: false)) };
    }

    /// <summary>
    /// Another node's module left routing (its node left, was downed or is unreachable): it stays on
    /// the board, down with <paramref name="reason"/>, so no job is handed to it and operators see why.
    /// </summary>
    public ModuleBoard Withdrawn(string module, string reason, DateTimeOffset at) =>
        Modules.TryGetValue(module, out var view) && !view.Local
            ? this with
            {
                Modules = Modules.SetItem(module, view with
                {
                    Status = new ModuleStatus(module, view.Status?.Endpoint ?? "", ModuleState.Down, at, false, null, null, null, 0, 0, 0, reason),
                }),
            }
            : this;

    /// <summary>A new status; one for a module the configuration does not know is ignored.</summary>
    public ModuleBoard With(ModuleStatus status) =>
        Modules.TryGetValue(status.Module, out var view) ? this with { Modules = Modules.SetItem(status.Module, view with { Status = status }) } : this;

    /// <summary>A job of <paramref name="parts"/> parts was handed to <paramref name="module"/> (chosen in <paramref name="group"/>).</summary>
    public ModuleBoard Handed(string module, string group, int parts)
    {
        var view = Modules[module];
        return this with
        {
            Modules = Modules.SetItem(module, view with { Handed = view.Handed + 1, HandedParts = view.HandedParts + parts }),
            LastChosen = LastChosen.SetItem(group, module),
        };
    }

    /// <summary>The module answered a job (or the router gave up waiting for it).</summary>
    public ModuleBoard Returned(string module, int parts) =>
        Modules.TryGetValue(module, out var view) && view.Handed > 0
            ? this with { Modules = Modules.SetItem(module, view with { Handed = view.Handed - 1, HandedParts = Math.Max(0, view.HandedParts - parts) }) }
            : this;

    /// <summary>Whether any module could take a one-part job now (usable and below the window): if not, no waiting job can be served.</summary>
    public bool AnyRoom(int window) => Modules.Values.Any(m => m.Load < window && m.Unusable(1) is null);

    public IEnumerable<ModuleView> InGroup(string group) => Modules.Values.Where(m => m.Group == group);
}

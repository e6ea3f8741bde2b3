using System.Collections.Immutable;

namespace Gateway.Clustering;

/// <summary>
/// What a node's routing should see of the cluster's modules, and what changed. Pure: the
/// replicated map's entries and the addresses of nodes that are out (left, removed, downed,
/// unreachable) in, the visible entries out. A module is visible when its node is not out;
/// this node's own entries are left to its bank (<see cref="Visible"/> skips them).
/// </summary>
public sealed record ModuleDirectory(string SelfAddress, ImmutableDictionary<string, ModuleEntry> Entries, ImmutableDictionary<string, string> Out)
{
    public static ModuleDirectory Empty(string selfAddress) =>
        new(selfAddress, ImmutableDictionary.Create<string, ModuleEntry>(StringComparer.Ordinal), ImmutableDictionary.Create<string, string>(StringComparer.Ordinal));

    /// <summary>Other nodes' modules now in routing, by name.</summary>
    public ImmutableSortedDictionary<string, ModuleEntry> Visible =>
        Entries.Values.Where(e => e.NodeAddress != SelfAddress && !Out.ContainsKey(e.NodeAddress))
            .ToImmutableSortedDictionary(e => e.Module, e => e, StringComparer.Ordinal);

    /// <summary>The replicated map changed.</summary>
    public ModuleDirectory WithEntries(IEnumerable<ModuleEntry> entries) =>
        this with { Entries = entries.ToImmutableDictionary(e => e.Module, e => e, StringComparer.Ordinal) };

    /// <summary>A node left, was removed or downed, or became unreachable: its modules leave routing.</summary>
    public ModuleDirectory NodeOut(string address, string reason) => this with { Out = Out.SetItem(address, reason) };

    /// <summary>A node is up or reachable again: its modules (as the map has them) come back.</summary>
    public ModuleDirectory NodeBack(string address) => this with { Out = Out.Remove(address) };

    /// <summary>
    /// What the subscribers must be told when the directory goes from <paramref name="before"/> to
    /// this: a status for every visible module that is new or changed, a withdrawal for every one
    /// no longer visible (with the reason its node is out, or "no longer published").
    /// </summary>
    public IReadOnlyList<object> ChangesSince(ModuleDirectory before)
    {
        var was = before.Visible;
        var now = Visible;
        var changes = new List<object>();
        foreach (var (name, entry) in now)
            if (!was.TryGetValue(name, out var old) || old != entry)
                changes.Add(new RemoteModuleStatus(entry.Group, entry.Node, entry.Status, entry.Router));
        foreach (var (name, entry) in was)
            if (!now.ContainsKey(name))
                changes.Add(new ModuleWithdrawn(name, entry.Node, Out.TryGetValue(entry.NodeAddress, out var why) ? why : "no longer published by its node"));
        return changes;
    }
}

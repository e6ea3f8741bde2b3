using System.Collections.Immutable;
using Gateway.Configuration;
using Gateway.Modem;
using Gateway.Routing;
using Xunit;

namespace Gateway.Tests.Routing;

/// <summary>The module selector alone: statuses, limits, windows, sticky hints and rotation in, a choice out.</summary>
public class ModuleSelectorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(1));

    private static readonly Dictionary<string, SmsGroupSettings> Groups = new()
    {
        ["a"] = new("a", ModuleSelection.LeastBusy),
        ["b"] = new("b", ModuleSelection.RoundRobin),
    };

    private static ModuleSettings Module(string name, string group) =>
        new(name, "node-a", group, ModuleTransport.Virtual, "", 0, "", 0, null, "+4206000000" + name[^1..].PadLeft(2, '0'), ModuleLimits.None);

    private static ModuleStatus Ready(string name, int queue = 0, int inFlight = 0, ModuleUsageStatus? usage = null) =>
        new(name, "virtual", ModuleState.Ready, Now, true, 20, -73, "Virtual", queue, inFlight, 0, null, Usage: usage);

    private static ModuleBoard Board(params ModuleStatus[] statuses)
    {
        var board = ModuleBoard.For([Module("a1", "a"), Module("a2", "a"), Module("a3", "a"), Module("b1", "b"), Module("b2", "b"), Module("b3", "b")]);
        return statuses.Aggregate(board, (b, s) => b.With(s));
    }

    private static ModuleRequest Request(string groups = "a", string? sticky = null, string tried = "", int parts = 1) => new(
        [.. groups.Split(',')], sticky, tried.Split(',', StringSplitOptions.RemoveEmptyEntries).ToImmutableHashSet(), parts);

    private static ModuleChoice Choose(ModuleBoard board, ModuleRequest request, int window = 2) =>
        ModuleSelector.Choose(board, request, Groups, window, Now);

    private static string Chosen(ModuleChoice c) => Assert.IsType<ModuleChoice.Chosen>(c).Module;

    [Fact]
    public void Least_busy_takes_the_module_with_the_fewest_jobs_counting_its_queue_and_the_routers_own()
    {
        var board = Board(Ready("a1", queue: 1, inFlight: 1), Ready("a2", inFlight: 1), Ready("a3", queue: 1, inFlight: 1));
        Assert.Equal("a2", Chosen(Choose(board, Request(), window: 5)));
        // The router's own handed jobs count even before the module reports them; equal loads rotate after the last chosen.
        board = board.Handed("a2", "a", 1).Handed("a2", "a", 1).Handed("a2", "a", 1);
        Assert.Equal("a3", Chosen(Choose(board, Request(), window: 5)));
    }

    [Fact]
    public void Least_busy_spreads_equal_loads_by_rotation()
    {
        var board = Board(Ready("a1"), Ready("a2"), Ready("a3"));
        var picks = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var module = Chosen(Choose(board, Request(), window: 10));
            picks.Add(module);
            board = board.Handed(module, "a", 1);
        }
        Assert.Equal(["a1", "a2", "a3", "a1", "a2", "a3"], picks);
    }

    [Fact]
    public void Round_robin_takes_the_next_module_in_turn_whatever_the_loads()
    {
        var board = Board(Ready("b1"), Ready("b2", inFlight: 1), Ready("b3"));
        var picks = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var module = Chosen(Choose(board, Request("b"), window: 10));
            picks.Add(module);
            board = board.Handed(module, "b", 1).Returned(module, 1);
        }
        Assert.Equal(["b1", "b2", "b3", "b1"], picks);
    }

    [Fact]
    public void Only_ready_registered_modules_with_room_under_their_limits_are_used()
    {
        var down = new ModuleStatus("a1", "virtual", ModuleState.Down, Now, false, null, null, null, 0, 0, 0, "the modem is silent");
        var unregistered = Ready("a2") with { Registered = false };
        var atLimit = Ready("a3", usage: new ModuleUsageStatus(100, 100, 0, null, null));
        var none = Assert.IsType<ModuleChoice.Unavailable>(Choose(Board(down, unregistered, atLimit), Request()));
        Assert.False(none.TriedOnly);
        Assert.Equal("a: a1 down (the modem is silent), a2 not registered with the network, a3 at its limit", none.Reason);

        var twoLeft = Ready("a3", usage: new ModuleUsageStatus(98, 98, 2, null, null));
        Assert.IsType<ModuleChoice.Unavailable>(Choose(Board(down, unregistered, twoLeft), Request(parts: 3)));
        Assert.Equal("a3", Chosen(Choose(Board(down, unregistered, twoLeft), Request(parts: 2))));
    }

    [Fact]
    public void The_first_group_with_a_usable_module_is_used_and_later_groups_are_fallbacks()
    {
        var board = Board(Ready("a1"), Ready("b1"), Ready("b2"));
        Assert.Equal("a1", Chosen(Choose(board, Request("a,b"))));
        var down = new ModuleStatus("a1", "virtual", ModuleState.Down, Now, false, null, null, null, 0, 0, 0, "gone");
        Assert.Equal("b1", Chosen(Choose(board.With(down), Request("a,b"))));
        // Busy is not a reason to fall back: the job waits for its first group.
        var busy = board.Handed("a1", "a", 1).Handed("a1", "a", 1);
        Assert.Equal("a", Assert.IsType<ModuleChoice.Busy>(Choose(busy, Request("a,b"))).Group);
    }

    [Fact]
    public void Modules_tried_in_this_round_are_skipped_and_when_only_they_are_left_it_is_a_round_end()
    {
        var board = Board(Ready("a1"), Ready("a2"));
        Assert.Equal("a2", Chosen(Choose(board, Request(tried: "a1"))));
        var end = Assert.IsType<ModuleChoice.Unavailable>(Choose(board, Request(tried: "a1,a2")));
        Assert.True(end.TriedOnly);
        Assert.Contains("a1 already tried", end.Reason);
    }

    [Fact]
    public void The_sticky_module_is_preferred_across_the_jobs_groups_and_waited_for_when_busy()
    {
        var board = Board(Ready("a1"), Ready("a2"), Ready("b1"), Ready("b2"));
        var sticky = Assert.IsType<ModuleChoice.Chosen>(Choose(board, Request("a,b", sticky: "b2")));
        Assert.Equal(("b2", "b", true), (sticky.Module, sticky.Group, sticky.Sticky));

        var busy = board.Handed("b2", "b", 1).Handed("b2", "b", 1);
        Assert.Equal("b", Assert.IsType<ModuleChoice.Busy>(Choose(busy, Request("a,b", sticky: "b2"))).Group);
    }

    [Fact]
    public void A_sticky_module_that_is_down_tried_or_outside_the_jobs_groups_is_not_used()
    {
        var board = Board(Ready("a1"), Ready("b2"));
        Assert.Equal("a1", Chosen(Choose(board, Request("a", sticky: "b2"))));
        Assert.Equal("a1", Chosen(Choose(board, Request("a,b", sticky: "b2", tried: "b2"))));
        var down = new ModuleStatus("b2", "virtual", ModuleState.Down, Now, false, null, null, null, 0, 0, 0, "gone");
        Assert.Equal("a1", Chosen(Choose(board.With(down), Request("a,b", sticky: "b2"))));
        Assert.Equal("a1", Chosen(Choose(board, Request("a,b", sticky: "unknown-module"))));
    }

    [Fact]
    public void A_module_paced_by_min_interval_is_taken_only_when_no_other_is_free()
    {
        var paced = Ready("a1", usage: new ModuleUsageStatus(1, 1, null, null, Now.AddSeconds(30)));
        var board = Board(paced, Ready("a2", inFlight: 1));
        Assert.Equal("a2", Chosen(Choose(board, Request())));
        Assert.Equal("a1", Chosen(Choose(board.Handed("a2", "a", 1).Handed("a2", "a", 1), Request())));
    }

    [Fact]
    public void A_module_without_a_status_yet_is_not_used_and_a_group_without_modules_says_so()
    {
        var none = Assert.IsType<ModuleChoice.Unavailable>(Choose(Board(), Request("a,nothing")));
        Assert.Equal("a: a1 no status yet, a2 no status yet, a3 no status yet; nothing: no modules", none.Reason);
    }

    [Fact]
    public void At_equal_load_this_nodes_modules_are_preferred_to_another_nodes()
    {
        // r1 and r2 are known from the cluster's registry only; a1 and a2 are this node's.
        var board = Board(Ready("a1", inFlight: 1), Ready("a2", inFlight: 1)).WithRemote(Ready("r1"), "a").WithRemote(Ready("r2"), "a");
        Assert.False(board.Modules["r1"].Local);
        Assert.True(board.Modules["a1"].Local);
        // A remote module that is less busy still wins: load first.
        Assert.Equal("r1", Chosen(Choose(board, Request(), window: 5)));
        // At equal load the local modules come first, whatever the rotation says.
        board = Board(Ready("a1"), Ready("a2")).WithRemote(Ready("r1"), "a").WithRemote(Ready("r2"), "a");
        var picks = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var module = Chosen(Choose(board with { LastChosen = board.LastChosen.SetItem("a", "a2") }, Request(), window: 5));
            picks.Add(module);
            board = board.Handed(module, "a", 1).Returned(module, 1);
        }
        Assert.All(picks, p => Assert.StartsWith("a", p));
    }

    [Fact]
    public void Another_nodes_module_counts_only_the_jobs_this_router_handed_it_not_its_late_reported_queue()
    {
        // r1 reported 3 queued a few hundred milliseconds ago (the registry's delay); by now its modem
        // may well be idle. What this router knows for certain is that it handed r1 nothing.
        var board = Board(Ready("a1", inFlight: 1)).WithRemote(Ready("r1", inFlight: 3), "a");
        Assert.Equal(0, board.Modules["r1"].Load);
        Assert.Equal("r1", Chosen(Choose(board, Request(), window: 2)));
        board = board.Handed("r1", "a", 1).Handed("r1", "a", 1);
        Assert.Equal(2, board.Modules["r1"].Load);
        Assert.Equal("a1", Chosen(Choose(board, Request(), window: 2)));
        // This node's own modules report at once, so their reports count.
        Assert.Equal(1, board.Modules["a1"].Load);
    }

    [Fact]
    public void A_withdrawn_remote_module_is_not_chosen_and_says_why()
    {
        var board = Board().WithRemote(Ready("r1"), "a");
        Assert.Equal("r1", Chosen(Choose(board, Request())));
        board = board.Withdrawn("r1", "node akka.tcp://gateway@127.0.0.1:4054 left the cluster", Now);
        var none = Assert.IsType<ModuleChoice.Unavailable>(Choose(board, Request()));
        Assert.Contains("r1 down (node akka.tcp://gateway@127.0.0.1:4054 left the cluster)", none.Reason);
        // It comes back with its next status.
        Assert.Equal("r1", Chosen(Choose(board.WithRemote(Ready("r1"), "a"), Request())));
    }

    [Fact]
    public void Another_node_cannot_take_over_a_module_this_node_drives()
    {
        var board = Board(Ready("a1", queue: 3));
        var after = board.WithRemote(Ready("a1"), "b");
        Assert.Same(board, after);
        Assert.Same(board, board.Withdrawn("a1", "whatever", Now));
    }
}

using Akka.Actor;

namespace Gateway.Clustering;

/// <summary>
/// The reason a node's coordinated shutdown runs after a member refused it: the host exits with
/// its own code for it, so an operator (or a supervisor) can tell it from a crash or a downing.
/// </summary>
public sealed class IncompatibleWithClusterReason : CoordinatedShutdown.Reason
{
    public static readonly IncompatibleWithClusterReason Instance = new();

    private IncompatibleWithClusterReason() { }

    /// <summary>Used by Akka only when <c>coordinated-shutdown.exit-clr</c> is on; the host's run verb returns the same code.</summary>
    public override int ExitCode => 4;

    public override string ToString() => "configuration incompatible with the cluster";
}

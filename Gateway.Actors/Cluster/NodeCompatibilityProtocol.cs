using System.Collections.Immutable;
using Akka.Actor;

namespace Gateway.Cluster;

/// <summary>Marks the messages of the join-time compatibility check; bound to <see cref="NodeCompatibilitySerializer"/>.</summary>
public interface INodeCompatibilityMessage;

/// <summary>A node that has just become Up asks an older member whether their configurations fit.</summary>
public sealed record CheckCompatibility(NodeFingerprint Joining) : INodeCompatibilityMessage;

/// <summary>The older member found nothing that stops the two from being one gateway.</summary>
public sealed record CompatibilityConfirmed(string NodeName) : INodeCompatibilityMessage;

/// <summary>The older member found problems; each line starts with the key to fix.</summary>
public sealed record CompatibilityRefused(string NodeName, ImmutableArray<string> Problems) : INodeCompatibilityMessage;

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

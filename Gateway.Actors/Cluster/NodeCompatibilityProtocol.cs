using System.Collections.Immutable;

namespace Gateway.Clustering;

/// <summary>Marks the messages of the join-time compatibility check; bound to <see cref="NodeCompatibilitySerializer"/>.</summary>
public interface INodeCompatibilityMessage;

/// <summary>A node that has just become Up asks an older member whether their configurations fit.</summary>
public sealed record CheckCompatibility(NodeFingerprint Joining) : INodeCompatibilityMessage;

/// <summary>The older member found nothing that stops the two from being one gateway.</summary>
public sealed record CompatibilityConfirmed(string NodeName) : INodeCompatibilityMessage;

/// <summary>The older member found problems; each line starts with the key to fix.</summary>
public sealed record CompatibilityRefused(string NodeName, ImmutableArray<string> Problems) : INodeCompatibilityMessage;

using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Serialization;

namespace Gateway.Tests.Support;

/// <summary>
/// Bound to <c>System.Object</c> in cluster tests, in place of Akka's reflection-based default: a
/// message that has no serializer of its own fails to cross the network (and is recorded in
/// <see cref="Refused"/>) instead of going as JSON. Akka's own messages have their own bindings,
/// which are more specific and win. (<c>akka.actor.serialize-messages = on</c> cannot be used for
/// a whole gateway node: it also serializes Akka.Persistence.Sql's internal messages, which
/// hold tasks, and the journal stops working.)
/// </summary>
public sealed class NoFallbackSerializer(ExtendedActorSystem system) : Serializer(system)
{
    /// <summary>Types something tried to send across the network without a serializer of their own.</summary>
    public static readonly ConcurrentQueue<string> Refused = new();

    public const string Hocon = """
        akka.actor {
          serializers.no-fallback = "Gateway.Tests.Support.NoFallbackSerializer, Gateway.Tests"
          serialization-bindings { "System.Object" = no-fallback }
          serialization-identifiers { "Gateway.Tests.Support.NoFallbackSerializer, Gateway.Tests" = 4999 }
        }
        """;

    public override int Identifier => 4999;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj)
    {
        Refused.Enqueue(obj.GetType().FullName ?? obj.GetType().Name);
        throw new InvalidOperationException($"{obj.GetType()} has no serializer of its own and may not cross the network");
    }

    public override object FromBinary(byte[] bytes, Type? type) =>
        throw new InvalidOperationException($"{type} was written without a serializer of its own");
}

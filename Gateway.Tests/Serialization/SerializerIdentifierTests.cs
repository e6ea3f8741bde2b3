using System.Reflection;
using Akka.Serialization;
using Xunit;

namespace Gateway.Tests.Serialization;

/// <summary>
/// Every serializer of ours has its own identifier: two with the same one make Akka pick one of them
/// for both, and the journal then holds events the other cannot read (found when the modem and
/// AutoCLIP serializers were both given 4120).
/// </summary>
public sealed class SerializerIdentifierTests
{
    [Fact]
    public void Each_of_our_serializers_has_an_identifier_no_other_serializer_has()
    {
        var ours = typeof(Gateway.Configuration.GatewaySettings).Assembly.GetTypes()
            .Where(t => typeof(Serializer).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (Type: t, Id: (int)(t.GetField("Id", BindingFlags.Public | BindingFlags.Static)
                ?? throw new InvalidOperationException($"{t.Name} has no public const Id")).GetValue(null)!))
            .ToArray();
        Assert.True(ours.Length >= 5, $"only {ours.Length} serializers found");
        var clashes = ours.GroupBy(s => s.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(s => s.Type.Name))}").ToArray();
        Assert.True(clashes.Length == 0, "shared identifiers: " + string.Join("; ", clashes));
        // The HOCON that binds each one names the same identifier (Akka takes the HOCON's).
        foreach (var (type, id) in ours)
            if (type.GetField("Hocon", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is string hocon)
                Assert.Contains($"\"{type.FullName}, Gateway.Actors\" = {id} }}", hocon);
        // Akka reserves 0–40 for its own serializers.
        Assert.All(ours, s => Assert.True(s.Id > 100, $"{s.Type.Name} uses {s.Id}, in Akka's reserved range"));
    }
}

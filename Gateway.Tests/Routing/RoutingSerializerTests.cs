using System.Collections.Immutable;
using Akka.Configuration;
using Gateway.Modem;
using Gateway.Routing;
using Xunit;

namespace Gateway.Tests.Routing;

/// <summary>The journal formats of the routing part (sent-parts index) and the modem part (SIM usage counters).</summary>
public class RoutingSerializerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 12, 0, 0, TimeSpan.FromHours(1));

    public RoutingSerializerTests() : base(ConfigurationFactory.ParseString(RoutingSerializer.Hocon + "\n" + ModemSerializer.Hocon)) { }

    private object RoundTrip(object o, Type serializerType)
    {
        var serializer = Sys.Serialization.FindSerializerFor(o);
        Assert.IsType(serializerType, serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, o);
        return Sys.Serialization.Deserialize(serializer.ToBinary(o), serializer.Identifier, manifest);
    }

    [Fact]
    public void Sent_parts_events_come_back_as_they_were_written()
    {
        var sent = new PartsSent("alice", "job-1", "+420777123456", "Ahoj, jak se máš? 😀", [0, 255, -1], At);
        var back = Assert.IsType<PartsSent>(RoundTrip(sent, typeof(RoutingSerializer)));
        Assert.Equal((sent.User, sent.JobId, sent.Destination, sent.Preview, sent.At), (back.User, back.JobId, back.Destination, back.Preview, back.At));
        Assert.Equal(sent.References.ToArray(), back.References.ToArray());
        Assert.Equal(At.Offset, back.At.Offset);

        var reported = new PartReported(255, "job-1", 0x46, At.AddHours(5), At.AddHours(5).AddSeconds(1));
        Assert.Equal(reported, RoundTrip(reported, typeof(RoutingSerializer)));
        Assert.Equal(new ResolutionReported("job-1"), RoundTrip(new ResolutionReported("job-1"), typeof(RoutingSerializer)));
        var paid = Assert.IsType<ResolutionsReported>(RoundTrip(new ResolutionsReported(["job-1", "job-2", "žluťoučký"]), typeof(RoutingSerializer)));
        Assert.Equal(["job-1", "job-2", "žluťoučký"], paid.JobIds.ToArray());
        Assert.Empty(Assert.IsType<ResolutionsReported>(RoundTrip(new ResolutionsReported([]), typeof(RoutingSerializer))).JobIds);
    }

    [Fact]
    public void A_ledger_snapshot_comes_back_with_its_parts_and_owed_resolutions()
    {
        var ledger = SentPartsLedger.Empty("gsm-1")
            .Apply(new PartsSent("alice", "job-1", "+420777123456", "Ahoj", [7, 8], At))
            .Apply(new PartsSent("bob", "job-2", "+420777000111", "Hi", [9], At))
            .Apply(new PartReported(9, "job-2", 0x00, At, At.AddSeconds(3)))
            .Apply(new PartReported(7, "job-1", 0x00, At, At.AddSeconds(4)));
        var back = Assert.IsType<SentPartsLedger>(RoundTrip(ledger, typeof(RoutingSerializer)));
        Assert.Equal(ledger.Module, back.Module);
        Assert.Equal(ledger.Parts.OrderBy(p => p.Key), back.Parts.OrderBy(p => p.Key));
        Assert.Equal(ledger.Unreported.OrderBy(p => p.Key), back.Unreported.OrderBy(p => p.Key));
        Assert.Single(back.Unreported);
        Assert.Equal(PartOutcome.Pending, back.Parts[8].Outcome);
        Assert.Null(back.Parts[8].Status);
    }

    [Fact]
    public void Usage_counter_events_and_snapshots_come_back_as_they_were_written()
    {
        var recorded = new ModuleUsageRecorded(3, At);
        Assert.Equal(recorded, RoundTrip(recorded, typeof(ModemSerializer)));
        var usage = new ModuleUsage(new DateOnly(2026, 11, 25), 40, 1234, At);
        Assert.Equal(usage, RoundTrip(usage, typeof(ModemSerializer)));
        Assert.Equal(ModuleUsage.Empty, RoundTrip(ModuleUsage.Empty, typeof(ModemSerializer)));
    }

    [Fact]
    public void Sent_parts_for_another_nodes_index_and_its_answer_come_back_as_they_were_written()
    {
        var record = new RecordSentParts("gsm-b", new PartsSent("alice", "job-1", "+420777123456", "Ahoj", [5, 6], At));
        var back = Assert.IsType<RecordSentParts>(RoundTrip(record, typeof(RoutingSerializer)));
        Assert.Equal((record.Module, record.Parts with { References = [] }), (back.Module, back.Parts with { References = [] }));
        Assert.Equal([5, 6], back.Parts.References.ToArray());
        Assert.Equal(new SentPartsRecorded("gsm-b", "job-1"), RoundTrip(new SentPartsRecorded("gsm-b", "job-1"), typeof(RoutingSerializer)));
    }

    [Fact]
    public void An_unknown_manifest_is_a_clear_error()
    {
        var serializer = new RoutingSerializer((Akka.Actor.ExtendedActorSystem)Sys);
        var e = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "Z9"));
        Assert.Contains("Z9", e.Message);
        _ = ImmutableArray<int>.Empty;
    }
}

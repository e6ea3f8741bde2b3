using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Gateway.Configuration;

namespace Gateway.AutoClip;

/// <summary>
/// How the AutoCLIP table is spread over the cluster: a fixed <see cref="BucketCount"/> of
/// <see cref="AutoClipBucket"/> entities, one per shard, each holding the numbers that hash to it.
/// Buckets recover in parallel and snapshot small, a node's death moves only its buckets, and
/// the records of one number are always in one bucket (both lookups are by number). Queries over
/// the whole table fan out to every bucket (<see cref="AutoClipFront"/>).
/// </summary>
public static class AutoClipSharding
{
    /// <summary>The shard region's type name; every node must use the same.</summary>
    public const string TypeName = "autoclip";

    /// <summary>
    /// Buckets in the table. Part of the stored data's layout (a number's bucket decides its
    /// persistence id): never change it on a running gateway.
    /// </summary>
    public const int BucketCount = 32;

    public static IMessageExtractor Extractor { get; } = new BucketExtractor();

    /// <summary>The bucket a number belongs to, or null when it is not an E.164 number.</summary>
    public static int? BucketOf(string number) =>
        AutoClipNumber.TryParse(number, out var digits) ? AutoClipNumber.Bucket(digits, BucketCount) : null;

    /// <summary>The props factory for the shard region (entity id = bucket number).</summary>
    public static Func<string, Props> EntityProps(AutoClipSettings settings, TimeProvider? time = null) =>
        id => AutoClipBucket.Props(int.Parse(id, NumberStyles.None, CultureInfo.InvariantCulture), settings, time);

    private static string? EntityOf(string number) =>
        BucketOf(number) is { } bucket ? bucket.ToString(CultureInfo.InvariantCulture) : null;

    private sealed class BucketExtractor : IMessageExtractor
    {
        public string? EntityId(object message) => message switch
        {
            RecordAutoClip m => EntityOf(m.Number),
            LookupReplyOwner m => EntityOf(m.Number),
            LookupStickyModule m => EntityOf(m.Number),
            DeleteAutoClip m => EntityOf(m.Number),
            WakeAutoClipBucket m => m.Bucket.ToString(CultureInfo.InvariantCulture),
            ListAutoClipBucket m => m.Bucket.ToString(CultureInfo.InvariantCulture),
            ShardRegion.StartEntity m => m.EntityId,
            _ => null,
        };

        public object? EntityMessage(object message) => message;

        public string? ShardId(object message) => EntityId(message);

        public string ShardId(string entityId, object? messageHint = null) => entityId;
    }
}

/// <summary>Key for the AutoCLIP shard region itself (the buckets) in Akka.Hosting's ActorRegistry; others use <see cref="AutoClipRegion"/>.</summary>
public sealed class AutoClipBuckets;

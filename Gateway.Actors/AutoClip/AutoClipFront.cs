using Akka.Actor;
using Akka.Event;

namespace Gateway.AutoClip;

/// <summary>
/// The AutoCLIP table as the rest of the gateway sees it: one per node, registered as
/// <see cref="AutoClipRegion"/>. Requests about one number go to that number's bucket through the
/// shard region (the reply comes from the bucket straight to the asker); a number that is not
/// E.164 is answered here (refused, or "no record"), since it can have no record. An operator's
/// <see cref="ListAutoClip"/> fans out to every bucket and is merged by a short-lived child. At
/// start it wakes every bucket, so their expiry timers run even before the first request.
/// </summary>
public sealed class AutoClipFront : ReceiveActor
{
    private readonly IActorRef _buckets;
    private readonly TimeSpan _queryTimeout;

    /// <param name="buckets">The AutoCLIP shard region (or a proxy to it).</param>
    /// <param name="queryTimeout">How long a list query waits for the buckets; those that miss it are counted in <see cref="AutoClipList.BucketsUnanswered"/>.</param>
    public static Props Props(IActorRef buckets, TimeSpan queryTimeout) =>
        Akka.Actor.Props.Create(() => new AutoClipFront(buckets, queryTimeout));

    public AutoClipFront(IActorRef buckets, TimeSpan queryTimeout)
    {
        _buckets = buckets;
        _queryTimeout = queryTimeout;

        Receive<RecordAutoClip>(m =>
        {
            if (AutoClipSharding.BucketOf(m.Number) is null)
                Sender.Tell(new AutoClipRefused(m.Number, m.Module, $"\"{m.Number}\" is not an E.164 number"));
            else _buckets.Forward(m);
        });
        Receive<LookupReplyOwner>(m =>
        {
            if (AutoClipSharding.BucketOf(m.Number) is null) Sender.Tell(new ReplyOwner(m.Number, m.Module, null));
            else _buckets.Forward(m);
        });
        Receive<LookupStickyModule>(m =>
        {
            if (AutoClipSharding.BucketOf(m.Number) is null) Sender.Tell(new StickyModule(m.User, m.Number, null));
            else _buckets.Forward(m);
        });
        Receive<DeleteAutoClip>(m =>
        {
            if (AutoClipSharding.BucketOf(m.Number) is null) Sender.Tell(new AutoClipDeleted(m.Number, m.Module, false));
            else _buckets.Forward(m);
        });
        Receive<ListAutoClip>(q => Context.ActorOf(ListQuery.Props(_buckets, q, Sender, _queryTimeout)));
    }

    protected override void PreStart()
    {
        for (var i = 0; i < AutoClipSharding.BucketCount; i++) _buckets.Tell(new WakeAutoClipBucket(i));
    }

    /// <summary>One operator query: asks every bucket, merges what comes within the timeout, answers, stops.</summary>
    private sealed class ListQuery : ReceiveActor, IWithTimers
    {
        private sealed class Timeout
        {
            public static readonly Timeout Instance = new();
        }

        private readonly List<AutoClipRecord> _records = [];
        private readonly HashSet<int> _waiting = [.. Enumerable.Range(0, AutoClipSharding.BucketCount)];
        private readonly ListAutoClip _query;
        private readonly IActorRef _replyTo;
        private bool _truncated;
        private int _matched;

        public ITimerScheduler Timers { get; set; } = null!;

        public static Props Props(IActorRef buckets, ListAutoClip query, IActorRef replyTo, TimeSpan timeout) =>
            Akka.Actor.Props.Create(() => new ListQuery(buckets, query, replyTo, timeout));

        public ListQuery(IActorRef buckets, ListAutoClip query, IActorRef replyTo, TimeSpan timeout)
        {
            _query = query with { Limit = Math.Clamp(query.Limit, 0, ListAutoClip.MaxLimit) };
            _replyTo = replyTo;
            var log = Context.GetLogger();
            foreach (var bucket in _waiting) buckets.Tell(new ListAutoClipBucket(bucket, _query));
            Timers.StartSingleTimer("timeout", Timeout.Instance, timeout);

            // Replies carry no bucket number: each bucket answers once, so counting them is enough.
            Receive<AutoClipList>(list =>
            {
                _waiting.Remove(_waiting.First());
                _records.AddRange(list.Records);
                _truncated |= list.Truncated;
                _matched += list.Matched;
                if (_waiting.Count == 0) Finish();
            });
            Receive<Timeout>(_ =>
            {
                log.Warning("autoclip: {0} of {1} buckets did not answer a list query within {2}; the answer says so",
                    _waiting.Count, AutoClipSharding.BucketCount, timeout);
                Finish();
            });
        }

        private void Finish()
        {
            var ordered = _records
                .OrderBy(r => AutoClipNumber.TryParse(r.Number, out var n) ? n : long.MaxValue)
                .ThenBy(r => r.Module, StringComparer.Ordinal)
                .ToList();
            var take = Math.Min(_query.Limit, ordered.Count);
            _replyTo.Tell(new AutoClipList(ordered.Take(take).ToArray(), _truncated || ordered.Count > take, _waiting.Count, _matched));
            Context.Stop(Self);
        }
    }
}

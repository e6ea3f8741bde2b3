using Akka.Actor;
using Akka.Event;
using Gateway.Clustering;
using Gateway.Configuration;
using Gateway.Mailbox;
using Gateway.Modem;

namespace Gateway.Routing;

/// <summary>
/// The outgoing SMS router, one per node: the mailboxes' <see cref="OutgoingJobConsumer"/>. It
/// keeps the picture of the modules (<see cref="ModuleBoard"/>, fed by the module network's status
/// stream), starts one <see cref="OutgoingJob"/> per job offered, and chooses modules for them
/// (<see cref="ModuleSelector"/>): at most <c>routing.sending.module-window</c> jobs per module at
/// once, the rest waiting here in arrival order, so any module that frees up takes the next one.
/// It owns one <see cref="SentPartsIndex"/> per module this node drives and passes status reports
/// (<see cref="StatusReportReceived"/>, from the incoming side) to it; parts sent through another
/// node's module are recorded with that node's router, where the module's reports arrive. A thin shell: rules,
/// selection and retries are pure functions.
/// <code>
///   Unlinked (stashing) ──RouterLinks──► Routing
/// </code>
/// The mailbox offers a job again while it is queued, and after a restart even while it was being
/// sent (at-least-once); an offer for a job already here, or finished lately, is ignored.
/// </summary>
public sealed class SmsRouter : ReceiveActor, IWithStash, IWithTimers
{
    private sealed record Waiting(IActorRef Job, string JobId, ModuleRequest Request);

    private sealed record Grant(string Module, int Parts);

    private sealed record RestartIndex(string Module);

    /// <summary>A job under way: its actor, the job (to start it again if the actor fails), and how often it failed.</summary>
    private sealed record Active(IActorRef Actor, OutgoingSms Job, int Crashes);

    /// <summary>Times a job's actor may fail (a bug, logged) before the job is left to its mailbox.</summary>
    private const int MaxCrashes = 3;

    /// <summary>Finished jobs remembered, so a late offer for one is not sent again.</summary>
    public const int RememberFinished = 100_000;

    private readonly GatewaySettings _settings;
    private readonly TimeProvider _time;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, Active> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _jobIds = new();
    private readonly Dictionary<string, Grant> _grants = new(StringComparer.Ordinal);
    private readonly LinkedList<Waiting> _waiting = new();
    private readonly Dictionary<string, LinkedListNode<Waiting>> _waitingById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _indexes = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _indexModules = new();
    private readonly Dictionary<string, IActorRef> _remoteRouters = new(StringComparer.Ordinal);
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);
    private readonly Queue<string> _finishedOrder = new();
    private RoutingContext _ctx = null!;
    private ModuleBoard _board;
    private long _offersRefused;

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="time">The clock of rules (time windows) and records; tests set it.</param>
    public SmsRouter(GatewaySettings settings, TimeProvider time)
    {
        _settings = settings;
        _time = time;
        _board = ModuleBoard.For(settings.Modules.Values, settings.NodeName);
        Become(Unlinked);
    }

    public static Props Props(GatewaySettings settings, TimeProvider? time = null) =>
        Akka.Actor.Props.Create(() => new SmsRouter(settings, time ?? TimeProvider.System));

    private int Window => _settings.Routing.Sending.ModuleWindow;

    private void Unlinked()
    {
        Receive<RouterLinks>(Link);
        ReceiveAny(_ => Stash.Stash());
    }

    private void Link(RouterLinks links)
    {
        _ctx = new RoutingContext(_settings, OutgoingRules.From(_settings), new RetryPolicy(_settings.Routing.Sending), links, _time);
        if (links.AutoClip is null) _log.Warning("SMS router: no AutoCLIP; sticky conversations are off and replies are not matched to senders");
        foreach (var module in _settings.LocalModules) StartIndex(module.Name);
        links.Modules.Subscribe(Self);
        _log.Info("SMS router: {0} rule(s), {1} module(s) in {2} group(s)", _settings.Routing.Outgoing.Count, _board.Modules.Count,
            _board.Modules.Values.Select(m => m.Group).Distinct().Count());
        Become(Routing);
        Stash.UnstashAll();
    }

    private void Routing()
    {
        Receive<OutgoingJobQueued>(OnOffer);
        Receive<ModuleStatus>(s =>
        {
            _board = _board.With(s);
            ServeWaiting();
        });
        Receive<RemoteModuleStatus>(s =>
        {
            if (s.Router is { } owner && !_indexes.ContainsKey(s.Status.Module)) _remoteRouters[s.Status.Module] = owner;
            _board = _board.WithRemote(s.Status, s.Group);
            ServeWaiting();
        });
        Receive<ModuleWithdrawn>(w => _board = _board.Withdrawn(w.Module, w.Reason, _time.GetUtcNow()));
        Receive<NeedModule>(OnNeedModule);
        Receive<ModuleReturned>(r =>
        {
            ReturnGrant(r.JobId);
            ServeWaiting();
        });
        Receive<JobDone>(d => Forget(Sender, d.JobId));
        Receive<RecordSentParts>(r =>
        {
            if (_indexes.TryGetValue(r.Module, out var index)) index.Forward(r);
            else if (_remoteRouters.TryGetValue(r.Module, out var owner)) owner.Forward(r); // its node keeps the index
            else
            {
                _log.Warning("job {0}: {1} is not driven by this node; its status reports cannot be matched here", r.Parts.JobId, r.Module);
                Sender.Tell(new SentPartsRecorded(r.Module, r.Parts.JobId));
            }
        });
        Receive<StatusReportReceived>(r =>
        {
            if (_indexes.TryGetValue(r.Module, out var index)) index.Forward(r);
            else _log.Warning("status report from {0}, which this node does not drive (TP-MR {1}); ignored", r.Module, r.Report.MessageReference);
        });
        Receive<GetRouterStatus>(_ => Sender.Tell(new RouterStatus(_board.Modules, _jobs.Count, _waiting.Count)));
        Receive<Terminated>(OnTerminated);
        Receive<RestartIndex>(r => StartIndex(r.Module));
        Receive<RouterLinks>(_ => _log.Warning("SMS router: linked already; new links ignored"));
    }

    // ───────────────────────────── jobs ─────────────────────────────

    private void OnOffer(OutgoingJobQueued offer)
    {
        var job = offer.Job;
        if (_jobs.ContainsKey(job.JobId) || _finished.Contains(job.JobId))
        {
            _log.Debug("job {0} offered again; already taken", job.JobId);
            return;
        }
        if (_jobs.Count >= _settings.Routing.Sending.MaxActiveJobs)
        {
            // Left queued in its mailbox, which offers it again later.
            if (_offersRefused++ % 1000 == 0)
                _log.Warning("SMS router: {0} jobs under way (routing.sending.max-active-jobs); job {1} and later offers stay queued for now",
                    _jobs.Count, job.JobId);
            return;
        }
        StartJob(job, crashes: 0);
    }

    private void StartJob(OutgoingSms job, int crashes)
    {
        var actor = Context.ActorOf(OutgoingJob.Props(job, _ctx), $"job-{Uri.EscapeDataString(job.JobId)}-{crashes}");
        Context.Watch(actor);
        _jobs[job.JobId] = new Active(actor, job, crashes);
        _jobIds[actor] = job.JobId;
    }

    private void OnNeedModule(NeedModule need)
    {
        RemoveWaiting(need.JobId);
        if (_waiting.Count == 0 && TryServe(Sender, need.JobId, need.Request)) return;
        var node = _waiting.AddLast(new Waiting(Sender, need.JobId, need.Request));
        _waitingById[need.JobId] = node;
        if (_waiting.Count > 1) ServeWaiting();
    }

    /// <summary>Answers a job's request if it can be answered now (a module, or none at all); false when it must wait.</summary>
    private bool TryServe(IActorRef job, string jobId, ModuleRequest request)
    {
        switch (ModuleSelector.Choose(_board, request, _settings.SmsGroups, Window, _time.GetUtcNow()))
        {
            case ModuleChoice.Chosen chosen:
                var ahead = _board.Modules[chosen.Module].HandedParts;
                _board = _board.Handed(chosen.Module, chosen.Group, request.Parts);
                _grants[jobId] = new Grant(chosen.Module, request.Parts);
                job.Tell(new ModuleGranted(chosen.Module, chosen.Group, chosen.Sticky, ahead));
                return true;
            case ModuleChoice.Unavailable none:
                job.Tell(new NoModule(none));
                return true;
            default:
                return false; // busy: wait for a module of its group
        }
    }

    /// <summary>Serves waiting jobs in arrival order while any module has room.</summary>
    private void ServeWaiting()
    {
        var node = _waiting.First;
        while (node is not null && _board.AnyRoom(Window))
        {
            var next = node.Next;
            if (TryServe(node.Value.Job, node.Value.JobId, node.Value.Request)) RemoveWaiting(node.Value.JobId);
            node = next;
        }
    }

    private void RemoveWaiting(string jobId)
    {
        if (_waitingById.Remove(jobId, out var node)) _waiting.Remove(node);
    }

    private void ReturnGrant(string jobId)
    {
        if (_grants.Remove(jobId, out var grant)) _board = _board.Returned(grant.Module, grant.Parts);
    }

    private void Forget(IActorRef actor, string jobId)
    {
        if (_jobs.TryGetValue(jobId, out var known) && known.Actor.Equals(actor))
        {
            _jobs.Remove(jobId);
            _jobIds.Remove(actor);
            Context.Unwatch(actor);
        }
        RemoveWaiting(jobId);
        ReturnGrant(jobId);
        Remember(jobId);
        ServeWaiting();
    }

    private void Remember(string jobId)
    {
        if (!_finished.Add(jobId)) return;
        _finishedOrder.Enqueue(jobId);
        if (_finishedOrder.Count > RememberFinished) _finished.Remove(_finishedOrder.Dequeue());
    }

    private void OnTerminated(Terminated t)
    {
        if (_jobIds.Remove(t.ActorRef, out var jobId))
        {
            // A job that stopped without saying it was done failed inside (a bug, logged by the supervisor): start it again.
            var active = _jobs[jobId];
            _jobs.Remove(jobId);
            RemoveWaiting(jobId);
            ReturnGrant(jobId);
            if (active.Crashes + 1 < MaxCrashes)
            {
                _log.Error("job {0}: its actor failed; starting the job again (it may be sent twice)", jobId);
                StartJob(active.Job, active.Crashes + 1);
            }
            else _log.Error("job {0}: its actor failed {1} times; left to its mailbox (offered again after a restart)", jobId, MaxCrashes);
            ServeWaiting();
            return;
        }
        if (_indexModules.Remove(t.ActorRef, out var module))
        {
            _indexes.Remove(module);
            _log.Warning("{0}: the sent-parts index stopped; starting it again in {1}", module, ConfigValues.FormatDuration(_settings.Routing.Sending.RetryBackoffMin));
            Timers.StartSingleTimer("index:" + module, new RestartIndex(module), _settings.Routing.Sending.RetryBackoffMin);
        }
    }

    private void StartIndex(string module)
    {
        var index = Context.ActorOf(SentPartsIndex.Props(module, _ctx), "sent-parts-" + Uri.EscapeDataString(module));
        Context.Watch(index);
        _indexes[module] = index;
        _indexModules[index] = module;
    }

    /// <summary>Job actors that throw are stopped (and their job left to the next offer); an index that fails restarts from its journal.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e =>
    {
        _log.Error(e, "SMS router: a child failed");
        return Directive.Stop;
    });
}

using Gateway.Configuration;

namespace Gateway.Routing;

// Messages between the router and its children (one OutgoingJob per job, one SentPartsIndex per
// module). They stay on the node, except RecordSentParts / SentPartsRecorded for another node's
// module (that node's router keeps the module's index, where its status reports arrive).

/// <summary>A job asks the router for a module.</summary>
internal sealed record NeedModule(string JobId, ModuleRequest Request);

/// <summary>
/// The router handed the job to <see cref="Module"/> (counted against its window until
/// <see cref="ModuleReturned"/>). <see cref="PartsAhead"/>: parts of this router's jobs already
/// handed to that module, which the module sends first (for the job's time limit).
/// </summary>
internal sealed record ModuleGranted(string Module, string Group, bool Sticky, int PartsAhead);

/// <summary>No module can take the job now; the job's retry policy decides what next.</summary>
internal sealed record NoModule(ModuleChoice.Unavailable Why);

/// <summary>The job is done with the module it was granted (an answer came, or it stopped waiting for one).</summary>
internal sealed record ModuleReturned(string JobId);

/// <summary>The job has finished and every record of it is acknowledged; it stops.</summary>
internal sealed record JobDone(string JobId);

/// <summary>A job's parts went through <see cref="Module"/>: for that module's sent-parts index (answered <see cref="SentPartsRecorded"/> once stored).</summary>
/// Crosses the network when the module is another node's: that node's router keeps its index.
internal sealed record RecordSentParts(string Module, PartsSent Parts) : IRoutingSerializable;

internal sealed record SentPartsRecorded(string Module, string JobId) : IRoutingSerializable;

/// <summary>What every job of one router shares.</summary>
internal sealed record RoutingContext(GatewaySettings Settings, OutgoingRules Rules, RetryPolicy Policy, RouterLinks Links, TimeProvider Time);

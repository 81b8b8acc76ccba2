namespace CMLoRA.Web.Jobs;

// The typed events the worker publishes and the progress hub pushes (method names on the client: the record names).
// OwnerId is the StudioUser id of whoever queued the job.

/// <summary>
/// What every job event carries. <see cref="PublishedUtc"/> is stamped by the progress broadcaster when the worker
/// hands the event over (unless the worker set it), so clients can measure delivery latency; it is an init-only
/// property outside the positional parameters, so constructors and deconstruction of the events are unchanged.
/// </summary>
public abstract record JobEvent(Guid JobId, string OwnerId)
{
    /// <summary>When the event was published (UTC); null until the broadcaster stamps it.</summary>
    public DateTimeOffset? PublishedUtc { get; init; }
}

/// <summary>A job entered the queue (or its position changed); <paramref name="Position"/> is 1-based.</summary>
public sealed record JobQueued(Guid JobId, string OwnerId, int Position) : JobEvent(JobId, OwnerId);

/// <summary>The worker started the job.</summary>
public sealed record JobStarted(Guid JobId, string OwnerId, int TotalSteps, string Method) : JobEvent(JobId, OwnerId);

/// <summary>
/// The worker is loading the job's base model (listed name <paramref name="Model"/>) before its first step: sent after
/// <see cref="JobStarted"/> and before the first <see cref="JobStep"/>, only when that model was not loaded already.
/// Loading takes from a moment to a minute; the first step event says it is done.
/// </summary>
public sealed record JobModelLoading(Guid JobId, string OwnerId, string Model) : JobEvent(JobId, OwnerId);

/// <summary>
/// One denoising step finished. <paramref name="PreviewPng"/> is a small latent-to-RGB preview, attached every k steps
/// (null otherwise).
/// </summary>
public sealed record JobStep(Guid JobId, string OwnerId, int Step, int Total, double StepsPerSecond, double EtaSeconds, byte[]? PreviewPng)
    : JobEvent(JobId, OwnerId);

/// <summary>The job finished; one image per batch item.</summary>
public sealed record JobFinished(Guid JobId, string OwnerId, IReadOnlyList<Guid> ImageIds) : JobEvent(JobId, OwnerId);

/// <summary>The job failed with a message meant for its owner.</summary>
public sealed record JobFailed(Guid JobId, string OwnerId, string Reason) : JobEvent(JobId, OwnerId);

/// <summary>The job was cancelled (by its owner or an admin) or stopped before it could run.</summary>
public sealed record JobCancelled(Guid JobId, string OwnerId) : JobEvent(JobId, OwnerId);

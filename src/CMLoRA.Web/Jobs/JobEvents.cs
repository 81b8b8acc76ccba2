namespace CMLoRA.Web.Jobs;

// The typed events the worker publishes and the progress hub pushes (method names on the client: the record names).
// OwnerId is the StudioUser id of whoever queued the job.

/// <summary>A job entered the queue (or its position changed); <paramref name="Position"/> is 1-based.</summary>
public sealed record JobQueued(Guid JobId, string OwnerId, int Position);

/// <summary>The worker started the job.</summary>
public sealed record JobStarted(Guid JobId, string OwnerId, int TotalSteps, string Method);

/// <summary>
/// One denoising step finished. <paramref name="PreviewPng"/> is a small latent-to-RGB preview, attached every k steps
/// (null otherwise).
/// </summary>
public sealed record JobStep(Guid JobId, string OwnerId, int Step, int Total, double StepsPerSecond, double EtaSeconds, byte[]? PreviewPng);

/// <summary>The job finished; one image per batch item.</summary>
public sealed record JobFinished(Guid JobId, string OwnerId, IReadOnlyList<Guid> ImageIds);

/// <summary>The job failed with a message meant for its owner.</summary>
public sealed record JobFailed(Guid JobId, string OwnerId, string Reason);

/// <summary>The job was cancelled (by its owner or an admin) or stopped before it could run.</summary>
public sealed record JobCancelled(Guid JobId, string OwnerId);

namespace CMLoRA.TestSupport.Progress;

// The client's view of the progress hub's events: the same names and fields as the studio's records
// (src/CMLoRA.Web/Jobs/JobEvents.cs), plus ReceivedUtc, stamped here on arrival.

/// <summary>What every job event carries; <see cref="PublishedUtc"/> comes from the studio, <see cref="ReceivedUtc"/> from this client.</summary>
public abstract record JobEvent(Guid JobId, string OwnerId)
{
    public DateTimeOffset? PublishedUtc { get; init; }

    public DateTimeOffset ReceivedUtc { get; init; }

    /// <summary>Delivery latency: receipt here minus publication in the studio (same clock on loopback).</summary>
    public TimeSpan? Latency => PublishedUtc is { } published ? ReceivedUtc - published : null;

    public bool IsTerminal => this is JobFinished or JobFailed or JobCancelled;
}

public sealed record JobQueued(Guid JobId, string OwnerId, int Position) : JobEvent(JobId, OwnerId);

public sealed record JobStarted(Guid JobId, string OwnerId, int TotalSteps, string Method) : JobEvent(JobId, OwnerId);

public sealed record JobModelLoading(Guid JobId, string OwnerId, string Model) : JobEvent(JobId, OwnerId);

public sealed record JobStep(Guid JobId, string OwnerId, int Step, int Total, double StepsPerSecond, double EtaSeconds, byte[]? PreviewPng)
    : JobEvent(JobId, OwnerId);

public sealed record JobFinished(Guid JobId, string OwnerId, IReadOnlyList<Guid> ImageIds) : JobEvent(JobId, OwnerId);

public sealed record JobFailed(Guid JobId, string OwnerId, string Reason) : JobEvent(JobId, OwnerId);

public sealed record JobCancelled(Guid JobId, string OwnerId) : JobEvent(JobId, OwnerId);

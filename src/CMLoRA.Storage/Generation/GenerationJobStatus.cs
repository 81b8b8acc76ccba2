namespace CMLoRA.Storage.Generation;

/// <summary>Where a generation job is in its life. Queued and Interrupted jobs wait for the worker; the rest are final or running.</summary>
public enum GenerationJobStatus
{
    /// <summary>Waiting for the worker.</summary>
    Queued = 0,

    /// <summary>The worker is generating it.</summary>
    Running = 1,

    /// <summary>Every image was generated and stored.</summary>
    Finished = 2,

    /// <summary>It stopped with an error (<see cref="GenerationJobRecord.Error"/> says why).</summary>
    Failed = 3,

    /// <summary>Its owner or an admin cancelled it.</summary>
    Cancelled = 4,

    /// <summary>The studio stopped while it ran; it waits to run again (once).</summary>
    Interrupted = 5,
}

namespace CMLoRA.Storage.Generation;

/// <summary>
/// One queued generation, persisted so a restart loses nothing. The whole request (prompt, LoRAs by library id, method
/// with every option, model, sampler, size, seed) is kept as JSON; the columns beside it are what the queue orders, lists and filters by.
/// </summary>
public sealed class GenerationJobRecord
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public string OwnerId { get; set; } = "";
    public StudioUser? Owner { get; set; }

    public GenerationJobStatus Status { get; set; }

    /// <summary>The request as submitted (with a random seed already drawn), serialized by the web layer.</summary>
    public string RequestJson { get; set; } = "{}";

    /// <summary>The base model's listed name (fixed at submission; the worker loads it when another one is loaded).</summary>
    public string ModelName { get; set; } = "";

    /// <summary>The composition method's name (None, Merge, Switch, Composite, CmLora).</summary>
    public string Method { get; set; } = "";

    /// <summary>Denoising steps of one image.</summary>
    public int Steps { get; set; }

    /// <summary>Images this job makes (batch count); each has <see cref="Steps"/> steps.</summary>
    public int ImageCount { get; set; } = 1;

    public DateTimeOffset CreatedUtc { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? StartedUtc { get; set; }
    public DateTimeOffset? FinishedUtc { get; set; }

    /// <summary>Steps done over the whole batch (0 … Steps × ImageCount), written as the worker goes.</summary>
    public int Step { get; set; }

    /// <summary>Why the job failed (or why it was re-queued), meant for its owner.</summary>
    public string? Error { get; set; }

    /// <summary>How often a restart interrupted it; the first interruption re-queues, the second fails it.</summary>
    public int RequeueCount { get; set; }

    /// <summary>Set by an admin's reorder: jobs with a priority run first, lowest number first; null = fair order.</summary>
    public int? AdminPriority { get; set; }

    /// <summary>Visibility given to the images it makes, and whether team members may watch it live.</summary>
    public Visibility Visibility { get; set; }

    /// <summary>Who cancelled it (owner or an admin), for the record.</summary>
    public string? CancelledById { get; set; }
}

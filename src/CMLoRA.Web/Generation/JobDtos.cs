using CMLoRA.Storage;
using CMLoRA.Storage.Generation;

namespace CMLoRA.Web.Generation;

/// <summary>
/// One job as its viewer may see it. <see cref="Request"/> (prompts, LoRAs) is only filled for its owner, admins and,
/// for team-visible jobs, team members. <see cref="Model"/> is the base model's listed name; <see cref="Phase"/> is
/// "loading model" or "generating" while the job runs, else null.
/// </summary>
public sealed record JobDto(
    Guid Id,
    string OwnerId,
    string OwnerName,
    GenerationJobStatus Status,
    string Method,
    int Steps,
    int ImageCount,
    int Step,
    int TotalSteps,
    int? Position,
    double? EtaSeconds,
    DateTimeOffset CreatedUtc,
    DateTimeOffset? StartedUtc,
    DateTimeOffset? FinishedUtc,
    string? Error,
    int RequeueCount,
    int? AdminPriority,
    Visibility Visibility,
    IReadOnlyList<Guid> ImageIds,
    GenerationRequest? Request,
    string Model,
    string? Phase);

/// <summary>
/// A line of the queue page: the running job (position 0) and every waiting job in the order they will run (1, 2, …).
/// Shows no prompts; <see cref="IsMine"/> tells the viewer which lines they may cancel. <see cref="Model"/> is the base
/// model's listed name; <see cref="Phase"/> is "loading model" or "generating" for the running line, else null.
/// </summary>
public sealed record QueueEntryDto(
    Guid Id,
    int Position,
    string OwnerId,
    string OwnerName,
    GenerationJobStatus Status,
    string Method,
    int Steps,
    int ImageCount,
    int Step,
    int TotalSteps,
    double Progress,
    double? EtaSeconds,
    DateTimeOffset CreatedUtc,
    int? AdminPriority,
    bool IsMine,
    string Model = "",
    string? Phase = null);

/// <summary>An admin's new order: these jobs run first, in this order; other waiting jobs keep the fair order.</summary>
public sealed record ReorderRequest(IReadOnlyList<Guid> JobIds);

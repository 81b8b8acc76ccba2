using CMLoRA.Engine.Generation;

namespace CMLoRA.Engine.Profiling;

/// <summary>A generation job with its LoRAs' frequency scores filled in, and where each came from.</summary>
/// <param name="Job">The job to generate.</param>
/// <param name="Loras">One status per LoRA, in the job's order.</param>
public sealed record ProfiledJob(GenerationJob Job, IReadOnlyList<LoraProfileStatus> Loras);

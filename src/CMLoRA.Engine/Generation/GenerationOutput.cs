using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Profiling;

namespace CMLoRA.Engine.Generation;

/// <summary>A finished image: PNG bytes, every parameter that made it, and its statistics. Holds no tensors.</summary>
/// <param name="Png">The image as PNG.</param>
/// <param name="Job">The job as requested.</param>
/// <param name="Method">The composition method that ran.</param>
/// <param name="Parameters">The sampling parameters as run (schedule, timesteps, noise source).</param>
/// <param name="LoraOrder">LoRA ids in the order the schedule saw them.</param>
/// <param name="Stats">Evaluations, timings, the per-step latent frequency signal.</param>
/// <param name="FrequencyOrder">
/// CMLoRA only: the frequency order the schedule used, with each LoRA's group and whether its profile score
/// (<see cref="BandSource.Score"/>) or its category (<see cref="BandSource.Category"/>) decided it; null for other methods.
/// </param>
public sealed record GenerationOutput(
    byte[] Png,
    GenerationJob Job,
    CompositionMethod Method,
    GenerationParameters Parameters,
    IReadOnlyList<string> LoraOrder,
    GenerationStats Stats,
    LoraOrder? FrequencyOrder = null);

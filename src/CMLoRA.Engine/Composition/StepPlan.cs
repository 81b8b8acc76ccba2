namespace CMLoRA.Engine.Composition;

/// <summary>
/// Everything the sampler needs to know about one denoising step of a composition: the UNet evaluations to run,
/// their coefficients in the noise combination, and each evaluation's cache action. Produced by an
/// <see cref="ICompositionSchedule"/>; a pure value with no tensors.
/// </summary>
/// <param name="Step">Step index i, 0 being the noisiest step.</param>
/// <param name="Steps">Number of denoising steps T of the run.</param>
/// <param name="Method">The method that produced the plan.</param>
/// <param name="Runs">UNet evaluations of this step, in the order the method lists them.</param>
/// <param name="Batched">
/// True when the runs may be evaluated as batched multi-adapter calls (one call per cache action, batch 2×runs)
/// instead of one call per run; the result is the same up to floating-point rounding.
/// </param>
/// <param name="TextEncoderAdapters">
/// Adapters active in the text encoder when the prompt is encoded (once per image, before step 0; spec 1.6).
/// Identical in every plan of a run.
/// </param>
public sealed record StepPlan(
    int Step,
    int Steps,
    CompositionMethod Method,
    IReadOnlyList<AdapterRun> Runs,
    bool Batched,
    IReadOnlyList<AdapterWeight> TextEncoderAdapters)
{
    /// <summary>CMLoRA only: index (in the caller's list) of the dominant LoRA at this step; null for other methods.</summary>
    public int? DominantLora { get; init; }

    /// <summary>CMLoRA only: the sampling phase of this step; null for other methods.</summary>
    public CompositionPhase? Phase { get; init; }

    /// <summary>The evaluation in which the LoRA at <paramref name="loraIndex"/> is active, or null if it does not run this step.</summary>
    public AdapterRun? RunFor(int loraIndex)
    {
        foreach (var run in Runs)
            if (run.Uses(loraIndex)) return run;
        return null;
    }

    /// <summary>Cache action of the evaluation that uses the LoRA at <paramref name="loraIndex"/>, or null if it does not run.</summary>
    public CacheAction? CacheActionFor(int loraIndex) => RunFor(loraIndex)?.Cache;
}

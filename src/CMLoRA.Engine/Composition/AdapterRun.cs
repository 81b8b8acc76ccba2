namespace CMLoRA.Engine.Composition;

/// <summary>
/// One UNet evaluation of a denoising step (batch 2 under classifier-free guidance) and how its noise prediction
/// enters the step's combination.
/// </summary>
/// <param name="Adapters">Adapters active during this evaluation; empty for the base model.</param>
/// <param name="NoiseWeight">
/// Coefficient of this evaluation's ε in the combination. The sampler forms ε_u = Σ NoiseWeight·ε_u,run and
/// ε_c = Σ NoiseWeight·ε_c,run, then applies CFG once. The coefficients of a step sum to 1.
/// </param>
/// <param name="Cache">Whether the evaluation runs plain, records its deep feature, or reuses the cached one.</param>
/// <param name="CacheKey">Feature-cache slot of this evaluation; unique within a step.</param>
public sealed record AdapterRun(IReadOnlyList<AdapterWeight> Adapters, double NoiseWeight, CacheAction Cache, string CacheKey)
{
    /// <summary>True when the LoRA at <paramref name="loraIndex"/> is active in this evaluation.</summary>
    public bool Uses(int loraIndex)
    {
        foreach (var adapter in Adapters)
            if (adapter.Index == loraIndex) return true;
        return false;
    }
}

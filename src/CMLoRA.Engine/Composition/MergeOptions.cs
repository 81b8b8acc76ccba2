using CMLoRA.Engine.Composition.Schedules;

namespace CMLoRA.Engine.Composition;

/// <summary>Options of LoRA Merge (spec 2.1).</summary>
public sealed record MergeOptions : CompositionOptions
{
    /// <inheritdoc />
    public override CompositionMethod Method => CompositionMethod.Merge;

    /// <summary>
    /// False (default, as the reference): every adapter has weight 1, an unnormalised sum of the LoRA deltas (spec 2.1, 9.20).
    /// True: each adapter has weight 1/N.
    /// </summary>
    public bool NormalizeWeights { get; init; }

    /// <summary>Refresh steps of the merged model's single feature cache; null (the default) disables caching.</summary>
    public RefreshSpec? Caching { get; init; }

    /// <summary>With caching: the cache is refreshed at least every this many steps. Null imposes no bound beyond <see cref="Caching"/>.</summary>
    public int? MaxAge { get; init; }
}

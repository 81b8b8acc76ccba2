using CMLoRA.Engine.Composition.Schedules;

namespace CMLoRA.Engine.Composition;

/// <summary>Options of LoRA Composite (spec 2.3).</summary>
public sealed record CompositeOptions : CompositionOptions
{
    /// <inheritdoc />
    public override CompositionMethod Method => CompositionMethod.Composite;

    /// <summary>Allow the sampler to evaluate the per-LoRA runs of a step as batched calls (default true).</summary>
    public bool BatchAdapters { get; init; } = true;

    /// <summary>
    /// Refresh steps shared by every LoRA's own feature cache; null (the default) disables caching, as MLC's Composite.
    /// </summary>
    public RefreshSpec? Caching { get; init; }

    /// <summary>With caching: every cache is refreshed at least every this many steps. Null imposes no bound beyond <see cref="Caching"/>.</summary>
    public int? MaxAge { get; init; }
}

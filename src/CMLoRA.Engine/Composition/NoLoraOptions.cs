using CMLoRA.Engine.Composition.Schedules;

namespace CMLoRA.Engine.Composition;

/// <summary>Options of <see cref="CompositionMethod.None"/>: the base model alone, optionally with DeepCache-style caching.</summary>
public sealed record NoLoraOptions : CompositionOptions
{
    /// <inheritdoc />
    public override CompositionMethod Method => CompositionMethod.None;

    /// <summary>Refresh steps of the single feature cache; null (the default) runs the full UNet every step.</summary>
    public RefreshSpec? Caching { get; init; }

    /// <summary>With caching: the cache is refreshed at least every this many steps. Null imposes no bound beyond <see cref="Caching"/>.</summary>
    public int? MaxAge { get; init; }
}

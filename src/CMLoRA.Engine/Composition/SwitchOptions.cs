using CMLoRA.Engine.Composition.Schedules;

namespace CMLoRA.Engine.Composition;

/// <summary>Options of LoRA Switch (spec 2.2).</summary>
public sealed record SwitchOptions : CompositionOptions
{
    /// <summary>Default number of consecutive steps each LoRA stays active (the reference's <c>switch_step</c>).</summary>
    public const int DefaultSwitchStep = 5;

    /// <inheritdoc />
    public override CompositionMethod Method => CompositionMethod.Switch;

    /// <summary>Every LoRA is active for exactly this many consecutive steps, in list order, cyclically.</summary>
    public int SwitchStep { get; init; } = DefaultSwitchStep;

    /// <summary>
    /// Refresh steps of the active LoRA's feature cache; null (the default) disables caching. The first step of each
    /// switch segment always refreshes, because the cached feature belongs to the previous LoRA.
    /// </summary>
    public RefreshSpec? Caching { get; init; }

    /// <summary>With caching: the cache is refreshed at least every this many steps. Null imposes no bound beyond <see cref="Caching"/>.</summary>
    public int? MaxAge { get; init; }
}

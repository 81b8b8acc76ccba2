using CMLoRA.Engine.Composition.Schedules;
using CMLoRA.Engine.Profiling;

namespace CMLoRA.Engine.Composition;

/// <summary>
/// Options of CMLoRA (spec 3.4–3.5, 4.3–4.4). The defaults are provisional, to be confirmed by the quality benchmark;
/// docs/composition.md gives the reasoning behind each.
/// </summary>
public sealed record CmLoraOptions : CompositionOptions
{
    /// <summary>Default fraction of the run after which the late phase starts: 120 of the reference's 220 steps (late from step 121).</summary>
    public const double DefaultLatePhaseStart = 0.55;

    /// <summary>Default maximum cache age in steps.</summary>
    public const int DefaultMaxAge = 8;

    /// <inheritdoc />
    public override CompositionMethod Method => CompositionMethod.CmLora;

    /// <summary>
    /// Steps at which dominance passes to the next LoRA in frequency order; the new dominant LoRA is refreshed at that
    /// step. Default: every 2 steps, the reference's smallest interval that caches (its c = 2).
    /// </summary>
    public RefreshSpec DominantRefresh { get; init; } = RefreshSpec.Uniform(2);

    /// <summary>
    /// Steps at which every non-dominant LoRA refreshes its cache. Default: every 4 steps, twice the dominant interval.
    /// Use <see cref="RefreshSpec.Quadratic"/> for the non-uniform schedule centred on a step.
    /// </summary>
    public RefreshSpec NonDominantRefresh { get; init; } = RefreshSpec.Uniform(4);

    /// <summary>Every LoRA's cache is refreshed at least every this many steps, whatever the two schedules say (default 8).</summary>
    public int MaxAge { get; init; } = DefaultMaxAge;

    /// <summary>Fraction of the run after which the late phase starts; the first late step is round(fraction·T). Default 0.55.</summary>
    public double LatePhaseStart { get; init; } = DefaultLatePhaseStart;

    /// <summary>
    /// Decay the dominant share as dominance rotates (off by default): the dominance coefficient N − 0.5 loses
    /// 0.5^k after the k-th hand-over, never falling below 1 (equal shares).
    /// </summary>
    public bool DecayDominantWeight { get; init; }

    /// <summary>Use the per-LoRA feature caches (default true). False runs every LoRA fully each step, keeping only the weighting and rotation.</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Allow the sampler to evaluate the per-LoRA runs of a step as batched calls (default true).</summary>
    public bool BatchAdapters { get; init; } = true;

    /// <summary>How LoRAs are split into high- and low-frequency groups and ordered.</summary>
    public LoraOrderingOptions Ordering { get; init; } = new();
}

using System.Text.Json.Serialization;

namespace CMLoRA.Web.Generation;

/// <summary>
/// The composition method's options in a request: at most one property, the one named like the request's method
/// (none, merge, switch, composite, cmlora). Every value left out (null) takes the engine's default; the stored job
/// has every value filled in, so a later engine with other defaults still makes the same image.
/// </summary>
public sealed record CompositionSettings
{
    /// <summary>Method none: the base model alone, optionally with a feature cache.</summary>
    [JsonPropertyName("none"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public NoLoraSettings? None { get; init; }

    [JsonPropertyName("merge"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public MergeSettings? Merge { get; init; }

    [JsonPropertyName("switch"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public SwitchSettings? Switch { get; init; }

    [JsonPropertyName("composite"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public CompositeSettings? Composite { get; init; }

    [JsonPropertyName("cmlora"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public CmLoraSettings? CmLora { get; init; }

    /// <summary>The request names of the methods that have options here, in method order.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Given =>
        new (string Name, object? Value)[] { ("none", None), ("merge", Merge), ("switch", Switch), ("composite", Composite), ("cmlora", CmLora) }
            .Where(p => p.Value is not null).Select(p => p.Name).ToList();
}

/// <summary>
/// A set of refresh steps: <c>uniform</c> every <see cref="Interval"/> steps, DeepCache's <c>quadratic</c> set
/// (⌈T/interval⌉ steps, dense around <see cref="CenterFraction"/> of the run) or the reference's <c>piecewise</c> 2/3/2 strides.
/// </summary>
public sealed record RefreshSettings
{
    /// <summary>uniform (default), quadratic or piecewise.</summary>
    public string? Kind { get; init; }

    /// <summary>Uniform and quadratic: the interval in steps (at least 1).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Interval { get; init; }

    /// <summary>Quadratic only: the centre as a fraction of the run, 0–1.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? CenterFraction { get; init; }

    /// <summary>Quadratic only: the starting exponent of the search (default 1.4, more than 1).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Power { get; init; }
}

/// <summary>Options of method none (the base model alone).</summary>
public sealed record NoLoraSettings
{
    /// <summary>Refresh steps of the single feature cache; null runs the full UNet every step.</summary>
    public RefreshSettings? Caching { get; init; }

    /// <summary>With caching: refresh at least every this many steps (at least the cache interval).</summary>
    public int? MaxAge { get; init; }
}

/// <summary>Options of LoRA Merge.</summary>
public sealed record MergeSettings
{
    /// <summary>False (default): every LoRA at its own weight; true: each LoRA's weight divided by the LoRA count.</summary>
    public bool? NormalizeWeights { get; init; }

    /// <summary>Refresh steps of the merged model's feature cache; null (default) disables caching.</summary>
    public RefreshSettings? Caching { get; init; }

    /// <summary>With caching: refresh at least every this many steps (at least the cache interval).</summary>
    public int? MaxAge { get; init; }
}

/// <summary>Options of LoRA Switch.</summary>
public sealed record SwitchSettings
{
    /// <summary>Consecutive steps each LoRA stays active (at least 1; default 5).</summary>
    public int? SwitchStep { get; init; }

    /// <summary>Refresh steps of the active LoRA's feature cache; null (default) disables caching.</summary>
    public RefreshSettings? Caching { get; init; }

    /// <summary>With caching: refresh at least every this many steps (at least the cache interval).</summary>
    public int? MaxAge { get; init; }
}

/// <summary>Options of LoRA Composite.</summary>
public sealed record CompositeSettings
{
    /// <summary>Evaluate the per-LoRA runs of a step as batched calls (default true).</summary>
    public bool? BatchAdapters { get; init; }

    /// <summary>Refresh steps shared by every LoRA's feature cache; null (default) disables caching.</summary>
    public RefreshSettings? Caching { get; init; }

    /// <summary>With caching: refresh at least every this many steps (at least the cache interval).</summary>
    public int? MaxAge { get; init; }
}

/// <summary>Options of CMLoRA (docs/composition.md explains each).</summary>
public sealed record CmLoraSettings
{
    /// <summary>Steps at which dominance passes to the next LoRA (default uniform every 2).</summary>
    public RefreshSettings? DominantRefresh { get; init; }

    /// <summary>Steps at which the other LoRAs refresh their caches (default uniform every 4).</summary>
    public RefreshSettings? NonDominantRefresh { get; init; }

    /// <summary>Every cache is refreshed at least every this many steps (default 8; at least the refresh intervals).</summary>
    public int? MaxAge { get; init; }

    /// <summary>Fraction of the run after which the low-frequency LoRAs join the rotation (default 0.55; strictly between 0 and 1).</summary>
    public double? LatePhaseStart { get; init; }

    /// <summary>Decay the dominant share as dominance rotates (default false).</summary>
    public bool? DecayDominantWeight { get; init; }

    /// <summary>Use the per-LoRA feature caches (default true).</summary>
    public bool? UseCache { get; init; }

    /// <summary>Evaluate the per-LoRA runs of a step as batched calls (default true).</summary>
    public bool? BatchAdapters { get; init; }

    /// <summary>Profiled LoRAs scoring below this are low-frequency; null (default) lets the category decide.</summary>
    public double? LowFrequencyThreshold { get; init; }
}

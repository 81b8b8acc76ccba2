namespace CMLoRA.Engine.Profiling;

/// <summary>
/// How <see cref="LoraProfiler"/> renders and scores (docs/composition.md, "Frequency profiling"). Every default is
/// recorded in the resulting <see cref="LoraProfile"/>, so a stored profile says how it was made.
/// </summary>
public sealed record LoraProfilerOptions
{
    /// <summary>The first default seed: the seed of the reference's offline CMLoRA runs (spec 7).</summary>
    public const long FirstDefaultSeed = 222;

    /// <summary>Default number of seeds.</summary>
    public const int DefaultSeedCount = 3;

    /// <summary>The placeholder in <see cref="PromptTemplate"/> replaced by the LoRA's trigger words.</summary>
    public const string TriggerPlaceholder = "{trigger}";

    /// <summary>
    /// Default group threshold on the score ΔH: a LoRA whose images keep or raise the base model's high-frequency
    /// share is high-frequency, one that lowers it is low-frequency.
    /// </summary>
    public const double DefaultLowFrequencyThreshold = 0;

    /// <summary>Fixed seeds; every LoRA and the base model render one image per seed. Default 222, 223, 224.</summary>
    public IReadOnlyList<long> Seeds { get; init; } = SeedsFrom(DefaultSeedCount);

    /// <summary>The prompt; <c>{trigger}</c> becomes the LoRA's trigger words joined by ", ". Default "{trigger}".</summary>
    public string PromptTemplate { get; init; } = TriggerPlaceholder;

    /// <summary>The negative prompt (default empty).</summary>
    public string NegativePrompt { get; init; } = "";

    /// <summary>Denoising steps per image (default 12: the statistic needs the image's texture, not its last details).</summary>
    public int Steps { get; init; } = 12;

    /// <summary>Square image size in pixels; null (default) renders at the model's native size.</summary>
    public int? Size { get; init; }

    /// <summary>Classifier-free guidance scale (default 7.5).</summary>
    public double GuidanceScale { get; init; } = 7.5;

    /// <summary>Sampler name (default dpmpp2m, the reference's DPM-Solver++ 2M).</summary>
    public string Sampler { get; init; } = "dpmpp2m";

    /// <summary>High-frequency cut-off as a fraction of the image side (default 72/512, the reference's).</summary>
    public double CutoffFraction { get; init; } = FrequencyOptions.ReferenceCutoffFraction;

    /// <summary>A score below this is <see cref="FrequencyBand.Low"/>, otherwise <see cref="FrequencyBand.High"/> (default 0).</summary>
    public double LowFrequencyThreshold { get; init; } = DefaultLowFrequencyThreshold;

    /// <summary>The seeds 222, 223, … (<paramref name="count"/> of them).</summary>
    public static IReadOnlyList<long> SeedsFrom(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return Enumerable.Range(0, count).Select(k => FirstDefaultSeed + k).ToArray();
    }

    /// <summary>Throws <see cref="ArgumentException"/> with a plain message for options that cannot run.</summary>
    public void Validate()
    {
        if (Seeds is null || Seeds.Count == 0) throw new ArgumentException("Profiling needs at least one seed.");
        if (Seeds.Distinct().Count() != Seeds.Count) throw new ArgumentException("The profiling seeds must be distinct.");
        if (Steps < 1) throw new ArgumentException($"Profiling needs at least one step (got {Steps}).");
        if (Size is { } size && (size < 8 || size % 8 != 0))
            throw new ArgumentException($"The profiling size must be a positive multiple of 8 (got {size}).");
        if (PromptTemplate is null) throw new ArgumentException("The prompt template is missing.");
        if (!double.IsFinite(LowFrequencyThreshold))
            throw new ArgumentException($"The low-frequency threshold must be a finite number, not {LowFrequencyThreshold}.");
        if (!(CutoffFraction >= 0) || double.IsInfinity(CutoffFraction))
            throw new ArgumentException($"The cut-off fraction must be a finite number ≥ 0, not {CutoffFraction}.");
    }
}

namespace CMLoRA.Engine.Profiling;

/// <summary>
/// A LoRA's frequency profile: how much its images shift the base model's high-frequency share, averaged over fixed
/// seeds (docs/composition.md, "Frequency profiling"). Serialises with <see cref="LoraProfileJson"/>; stored in the
/// studio database and in the sidecar file <c>NAME.profile.json</c> (<see cref="LoraProfileSidecar"/>).
/// </summary>
public sealed record LoraProfile
{
    /// <summary>The JSON format this build writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Format of the stored profile; readers refuse other versions.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>File name of the profiled LoRA.</summary>
    public required string LoraFileName { get; init; }

    /// <summary>Length of the LoRA file in bytes; a sidecar whose LoRA has another length is stale.</summary>
    public required long LoraFileLength { get; init; }

    /// <summary>SHA-256 of the LoRA file (lower-case hex), for the studio database.</summary>
    public required string LoraSha256 { get; init; }

    /// <summary>The base model the images were rendered with (scores are relative to it).</summary>
    public required string Model { get; init; }

    /// <summary>
    /// The score ΔH: mean over seeds of H(LoRA image) − H(base image), same prompt and seed. Positive means the LoRA
    /// adds high-frequency content (edges, texture); negative means it smooths. This is what CMLoRA orders by.
    /// </summary>
    public required double Score { get; init; }

    /// <summary>The group: <see cref="FrequencyBand.Low"/> when <see cref="Score"/> &lt; <see cref="LowFrequencyThreshold"/>.</summary>
    public required FrequencyBand Group { get; init; }

    /// <summary>The threshold that decided <see cref="Group"/>.</summary>
    public required double LowFrequencyThreshold { get; init; }

    /// <summary>Mean H of the LoRA's images (the reference notebook's per-LoRA number, spec 3.3).</summary>
    public required double LoraHighFrequency { get; init; }

    /// <summary>Mean H of the base model's images.</summary>
    public required double BaseHighFrequency { get; init; }

    /// <summary>ΔH per seed, in the order of <see cref="Seeds"/>.</summary>
    public required IReadOnlyList<double> PerSeedScores { get; init; }

    /// <summary>The seeds rendered.</summary>
    public required IReadOnlyList<long> Seeds { get; init; }

    /// <summary>The prompt, with the trigger words filled in.</summary>
    public required string Prompt { get; init; }

    /// <summary>The negative prompt.</summary>
    public required string NegativePrompt { get; init; }

    /// <summary>Denoising steps per image.</summary>
    public required int Steps { get; init; }

    /// <summary>Square image size in pixels.</summary>
    public required int Size { get; init; }

    /// <summary>Classifier-free guidance scale.</summary>
    public required double GuidanceScale { get; init; }

    /// <summary>Sampler name.</summary>
    public required string Sampler { get; init; }

    /// <summary>The cut-off fraction of the statistic.</summary>
    public required double CutoffFraction { get; init; }

    /// <summary>The LoRA images' radial profile, averaged point-wise over seeds (its H is <see cref="LoraHighFrequency"/>).</summary>
    public required RadialProfile Spectrum { get; init; }

    /// <summary>The base images' radial profile, averaged likewise (its H is <see cref="BaseHighFrequency"/>).</summary>
    public required RadialProfile BaseSpectrum { get; init; }

    /// <summary>When the profile was made.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

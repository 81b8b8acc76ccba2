namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>What `cmlora bench quality` runs: which model and LoRAs, how many combinations and seeds, which methods.</summary>
public sealed record QualityBenchmarkOptions
{
    /// <summary>Diffusers folder or single file of the model (the built-in model for the real benchmark).</summary>
    public required string ModelPath { get; init; }

    /// <summary>Folder of demo LoRAs named by trigger word (see <see cref="QualityLora.Discover"/>).</summary>
    public required string LoraFolder { get; init; }

    /// <summary>Where results.jsonl, images/, the tables, results.json and grid.png go; also what a rerun resumes from.</summary>
    public required string OutFolder { get; init; }

    /// <summary>Numbers of LoRAs per composition.</summary>
    public IReadOnlyList<int> LoraCounts { get; init; } = [2, 3, 4];

    /// <summary>Combinations per N (fewer when fewer valid sets exist).</summary>
    public int Combinations { get; init; } = 4;

    /// <summary>Seeds per combination: <see cref="FirstSeed"/>, <see cref="FirstSeed"/> + 1, …</summary>
    public int Seeds { get; init; } = 2;

    /// <summary>The first image seed.</summary>
    public long FirstSeed { get; init; } = 1;

    /// <summary>Seed of the shuffle that picks the combinations.</summary>
    public long CombinationSeed { get; init; } = 2025;

    /// <summary>Denoising steps per image.</summary>
    public int Steps { get; init; } = 20;

    /// <summary>Classifier-free guidance scale.</summary>
    public double GuidanceScale { get; init; } = 7.5;

    /// <summary>Sampler name.</summary>
    public string Sampler { get; init; } = "dpmpp2m";

    /// <summary>Weight λ of every LoRA.</summary>
    public float LoraWeight { get; init; } = 1f;

    /// <summary>The methods (rows) in table order.</summary>
    public IReadOnlyList<QualityMethod> Methods { get; init; } = QualityMethod.Defaults;

    /// <summary>At most this many combination×seed columns in grid.png.</summary>
    public int GridColumns { get; init; } = 12;

    /// <summary>Throws <see cref="ArgumentException"/> for values that cannot run.</summary>
    public void Validate()
    {
        if (LoraCounts.Count == 0) throw new ArgumentException("--n: give at least one number of LoRAs");
        if (LoraCounts.Any(n => n is < 1 or > 5)) throw new ArgumentException("--n: LoRAs per composition must be between 1 and 5 (one per category)");
        if (LoraCounts.Distinct().Count() != LoraCounts.Count) throw new ArgumentException("--n: a number is listed twice");
        if (Combinations < 1) throw new ArgumentException($"--combos must be at least 1 (got {Combinations})");
        if (Seeds < 1) throw new ArgumentException($"--seeds must be at least 1 (got {Seeds})");
        if (Steps < 1) throw new ArgumentException($"--steps must be at least 1 (got {Steps})");
        if (!double.IsFinite(GuidanceScale) || GuidanceScale < 0) throw new ArgumentException($"--cfg must be ≥ 0 (got {GuidanceScale})");
        if (!float.IsFinite(LoraWeight)) throw new ArgumentException("--weight must be a number");
        if (Methods.Count == 0) throw new ArgumentException("--methods: give at least one method");
        if (GridColumns < 1) throw new ArgumentException($"--grid-columns must be at least 1 (got {GridColumns})");
    }
}

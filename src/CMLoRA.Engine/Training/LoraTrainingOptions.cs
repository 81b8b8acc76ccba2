namespace CMLoRA.Engine.Training;

/// <summary>Options of <see cref="LoraTrainer"/>; stored in the run's <c>run.json</c>.</summary>
public sealed record LoraTrainingOptions
{
    /// <summary>The base model: a diffusers folder with its tokenizer (e.g. models/builtin).</summary>
    public required string ModelPath { get; init; }

    /// <summary>The kohya LoRA file to write.</summary>
    public required string OutputPath { get; init; }

    /// <summary>A folder of captioned pictures (captions.jsonl, or a .txt per picture); or null with <see cref="Concept"/>.</summary>
    public string? DataPath { get; init; }

    /// <summary>Trigger word (or id) of a novel world concept whose pictures are rendered instead of read from a folder.</summary>
    public string? Concept { get; init; }

    /// <summary>Pictures rendered for <see cref="Concept"/>.</summary>
    public int Images { get; init; } = 256;

    /// <summary>The trigger word written into the metadata; for <see cref="Concept"/> its trigger word.</summary>
    public string? Trigger { get; init; }

    /// <summary>LoRA rank.</summary>
    public int Rank { get; init; } = 8;

    /// <summary>kohya's network alpha; the update is scaled by alpha / rank. Null means alpha = rank.</summary>
    public float? Alpha { get; init; }

    /// <summary>Steps of the whole run.</summary>
    public long Steps { get; init; } = 200;

    /// <summary>Latents per step.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>The run seed (rendered pictures, noise, initial LoRA weights).</summary>
    public long Seed { get; init; } = 3;

    /// <summary>Peak AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Linear warm-up steps.</summary>
    public int WarmupSteps { get; init; } = 20;

    /// <summary>Cosine decay after warm-up (else constant).</summary>
    public bool Cosine { get; init; } = true;

    /// <summary>Also put LoRA layers on the text encoder (lora_te_*).</summary>
    public bool TrainTextEncoder { get; init; } = true;

    /// <summary>Share of captions replaced by the empty caption.</summary>
    public double CaptionDropout { get; init; }

    /// <summary>Checkpoint cadence in steps.</summary>
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>Store the factors as float16 instead of float32.</summary>
    public bool HalfPrecision { get; init; }

    /// <summary>The effective alpha.</summary>
    public float ResolvedAlpha => Alpha ?? Rank;
}

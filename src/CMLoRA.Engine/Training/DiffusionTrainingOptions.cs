using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;

namespace CMLoRA.Engine.Training;

/// <summary>Options of <see cref="DiffusionTrainer"/>; stored (with the resolved configs) in the run's <c>run.json</c>.</summary>
public sealed record DiffusionTrainingOptions
{
    /// <summary>The trained VAE: a <c>train vae</c> run folder, a diffusers VAE folder or a diffusers model folder.</summary>
    public required string VaePath { get; init; }

    /// <summary>Steps of the whole run.</summary>
    public long Steps { get; init; } = 2000;

    /// <summary>Latents per step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The run seed: the dataset, tokenizer corpus, noise, timesteps, dropout and initial weights derive from it.</summary>
    public long Seed { get; init; } = 2;

    /// <summary>Peak AdamW learning rate (UNet and text encoder alike).</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>Linear warm-up steps.</summary>
    public int WarmupSteps { get; init; } = 200;

    /// <summary>Cosine decay after warm-up (else constant).</summary>
    public bool Cosine { get; init; } = true;

    /// <summary>Share of captions replaced by the empty caption, so classifier-free guidance has an unconditional model.</summary>
    public double CaptionDropout { get; init; } = 0.1;

    /// <summary>Base-world pictures encoded once into the latent dataset.</summary>
    public int DatasetSize { get; init; } = 8192;

    /// <summary>Target size of the learned tokenizer vocabulary.</summary>
    public int VocabularySize { get; init; } = BuiltInModelConfigs.VocabularySize;

    /// <summary>Checkpoint cadence in steps.</summary>
    public int CheckpointEvery { get; init; } = 200;

    /// <summary>The UNet config; null means <see cref="BuiltInModelConfigs.Unet"/>.</summary>
    public UNetConfig? Unet { get; init; }

    /// <summary>The text encoder config; null means <see cref="BuiltInModelConfigs.TextEncoder"/> over the learned vocabulary.
    /// Its vocabulary size and BOS/EOS ids are always set from the tokenizer.</summary>
    public ClipTextConfig? TextEncoder { get; init; }
}

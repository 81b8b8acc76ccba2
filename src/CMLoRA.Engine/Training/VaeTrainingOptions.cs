using CMLoRA.Engine.Models.Vae;

namespace CMLoRA.Engine.Training;

/// <summary>Options of <see cref="VaeTrainer"/>; stored in the run's <c>run.json</c>.</summary>
public sealed record VaeTrainingOptions
{
    /// <summary>Steps of the whole run.</summary>
    public long Steps { get; init; } = 2000;

    /// <summary>Pictures per step, rendered on the fly.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>The run seed: pictures, noise and initial weights derive from it.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Distinct pictures the run cycles through; 0 renders new pictures for every step (an endless stream).</summary>
    public int DatasetSize { get; init; }

    /// <summary>Peak AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Linear warm-up steps.</summary>
    public int WarmupSteps { get; init; } = 100;

    /// <summary>Cosine decay after warm-up (else constant).</summary>
    public bool Cosine { get; init; } = true;

    /// <summary>Weight of the mean squared error next to the mean absolute error.</summary>
    public double L2Weight { get; init; } = 1.0;

    /// <summary>Weight of the KL term (summed over latent elements, averaged over the batch); SD's VAE used 1e-6.</summary>
    public double KlWeight { get; init; } = 1e-6;

    /// <summary>Chance that a scene slot holds a novel concept, so the VAE also reconstructs what the LoRAs teach.</summary>
    public double NovelProbability { get; init; } = 0.3;

    /// <summary>Pictures encoded after training to measure the latent std (scaling_factor = 1 / std).</summary>
    public int ScalingSamples { get; init; } = 512;

    /// <summary>Checkpoint cadence in steps.</summary>
    public int CheckpointEvery { get; init; } = 250;

    /// <summary>The VAE's config; null means <see cref="BuiltInModelConfigs.Vae"/>.</summary>
    public VaeConfig? Config { get; init; }

    /// <summary>The config actually trained.</summary>
    public VaeConfig ResolvedConfig => Config ?? BuiltInModelConfigs.Vae;
}

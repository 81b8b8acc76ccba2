namespace CMLoRA.Engine.World;

/// <summary>How to train the concept classifier. Batches are rendered on the fly from (Seed, step), so a run is reproducible and resumable.</summary>
/// <param name="Steps">Optimiser steps in the whole run.</param>
/// <param name="BatchSize">Pictures per step.</param>
/// <param name="LearningRate">Peak Adam learning rate (linear warm-up, then cosine decay to 5%).</param>
/// <param name="Seed">Seeds the initial weights and every batch.</param>
/// <param name="CheckpointEvery">Steps between checkpoint writes.</param>
/// <param name="NovelProbability">Chance that a category of a training scene holds a novel concept.</param>
public sealed record ClassifierTrainingSettings(
    int Steps = 1500,
    int BatchSize = 24,
    float LearningRate = 2e-3f,
    long Seed = 1,
    int CheckpointEvery = 100,
    double NovelProbability = 0.3)
{
    /// <summary>Steps of linear learning-rate warm-up.</summary>
    public int WarmupSteps => Math.Min(50, Math.Max(1, Steps / 10));

    /// <summary>The learning rate at <paramref name="step"/> (0-based).</summary>
    public float LearningRateAt(int step)
    {
        if (step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        double progress = (double)(step - WarmupSteps) / Math.Max(1, Steps - WarmupSteps);
        return (float)(LearningRate * (0.05 + 0.95 * 0.5 * (1 + Math.Cos(Math.PI * progress))));
    }
}

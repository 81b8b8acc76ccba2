namespace CMLoRA.Engine.Training;

/// <summary>One report of a running trainer, after each step.</summary>
/// <param name="Step">Completed steps.</param>
/// <param name="TotalSteps">Steps of the whole run.</param>
/// <param name="Loss">This step's loss.</param>
/// <param name="SmoothedLoss">An exponential moving average of the loss (for display).</param>
/// <param name="LearningRate">The rate this step used.</param>
/// <param name="StepsPerSecond">Steps per second in this session.</param>
/// <param name="Elapsed">Time in this session.</param>
/// <param name="CheckpointSaved">True when this step ended with a checkpoint.</param>
public sealed record TrainingProgress(
    long Step, long TotalSteps, float Loss, float SmoothedLoss, double LearningRate, double StepsPerSecond, TimeSpan Elapsed,
    bool CheckpointSaved)
{
    /// <summary>Steps of this session computed again because of a non-finite loss or gradient.</summary>
    public int RecomputedSteps { get; init; }
}

namespace CMLoRA.Engine.World;

/// <summary>Reported after each training step.</summary>
/// <param name="Step">Steps done so far (1-based after the first step).</param>
/// <param name="Steps">Steps in the whole run.</param>
/// <param name="Loss">Binary cross-entropy of this step's batch.</param>
/// <param name="AverageLoss">Exponential moving average of the loss.</param>
/// <param name="ResumedFrom">The step the run resumed from, or 0 for a fresh run.</param>
public sealed record ClassifierTrainingProgress(int Step, int Steps, float Loss, float AverageLoss, int ResumedFrom);

namespace CMLoRA.Engine.Training;

/// <summary>How a <see cref="TrainingLoop"/> runs: length, seed, AdamW, clipping and checkpoint cadence.</summary>
/// <param name="Steps">Steps of the whole run.</param>
/// <param name="Seed">The run seed (recorded in checkpoints).</param>
/// <param name="Rate">The learning-rate schedule.</param>
/// <param name="WeightDecay">AdamW's decoupled weight decay.</param>
/// <param name="MaxGradNorm">Gradients are clipped to this global L2 norm; 0 turns clipping off.</param>
/// <param name="CheckpointEvery">A checkpoint every this many steps (and always at the end and on cancellation).</param>
/// <param name="KeepCheckpoints">How many checkpoints stay on disk.</param>
/// <param name="PlotTitle">Title of the loss plot.</param>
public sealed record TrainingLoopSettings(
    long Steps, long Seed, LearningRateSchedule Rate, double WeightDecay = 0.01, double MaxGradNorm = 1.0,
    int CheckpointEvery = 250, int KeepCheckpoints = 2, string PlotTitle = "training loss");

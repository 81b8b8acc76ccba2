namespace CMLoRA.Engine.Training;

/// <summary>The <c>state.json</c> of a checkpoint: what was trained, how far, from which seed and for how long.</summary>
/// <param name="Kind">The trainer: <c>vae</c>, <c>model</c> or <c>lora</c>.</param>
/// <param name="Step">Completed steps.</param>
/// <param name="TotalSteps">Steps of the whole run when the checkpoint was saved.</param>
/// <param name="Seed">The run seed; every random draw of step k derives from (seed, k).</param>
/// <param name="Seconds">Wall time of all sessions up to this checkpoint.</param>
/// <param name="RecentLoss">Mean loss of the last logged steps.</param>
/// <param name="SavedAt">When the checkpoint was written (UTC, ISO 8601).</param>
public sealed record CheckpointState(string Kind, long Step, long TotalSteps, long Seed, double Seconds, double RecentLoss, string SavedAt);

namespace CMLoRA.Engine.Training;

/// <summary>How the learning rate moves over a run: a linear warm-up, then constant or a cosine decay.</summary>
/// <param name="BaseRate">The peak learning rate.</param>
/// <param name="TotalSteps">Steps of the whole run (the cosine reaches its floor here).</param>
/// <param name="WarmupSteps">Steps of the linear warm-up from 0.</param>
/// <param name="Cosine">True for a cosine decay after the warm-up, false for a constant rate.</param>
/// <param name="FloorFraction">The cosine's final rate as a fraction of <paramref name="BaseRate"/>.</param>
public sealed record LearningRateSchedule(double BaseRate, int TotalSteps, int WarmupSteps = 0, bool Cosine = true, double FloorFraction = 0.1)
{
    /// <summary>The rate of the step that follows <paramref name="completedSteps"/> completed steps.</summary>
    public double At(long completedSteps)
    {
        if (WarmupSteps > 0 && completedSteps < WarmupSteps) return BaseRate * (completedSteps + 1) / WarmupSteps;
        if (!Cosine || TotalSteps <= WarmupSteps) return BaseRate;
        double progress = Math.Clamp((double)(completedSteps - WarmupSteps) / (TotalSteps - WarmupSteps), 0, 1);
        double floor = BaseRate * FloorFraction;
        return floor + (BaseRate - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}

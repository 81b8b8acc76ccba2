namespace CMLoRA.Engine.Composition;

/// <summary>
/// A composition method as a pure, deterministic function of (step, steps, LoRAs, options): the options are fixed
/// at construction, and the same arguments always give the same plan.
/// </summary>
public interface ICompositionSchedule
{
    /// <summary>The method this schedule implements.</summary>
    CompositionMethod Method { get; }

    /// <summary>Plans step <paramref name="step"/> of a <paramref name="steps"/>-step run over <paramref name="loras"/>.</summary>
    /// <exception cref="ArgumentException">The LoRA list is empty (or non-empty for <see cref="CompositionMethod.None"/>) or has duplicate or blank ids.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is outside [0, steps) or steps &lt; 1.</exception>
    StepPlan Plan(int step, int steps, IReadOnlyList<LoraSlot> loras);

    /// <summary>Plans every step of a run; element i equals <c>Plan(i, steps, loras)</c>.</summary>
    IReadOnlyList<StepPlan> PlanRun(int steps, IReadOnlyList<LoraSlot> loras);
}

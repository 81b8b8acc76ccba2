// LoRA Composite: spec 2.3 (one evaluation per adapter; CFG on the mean of the unconditional and of the conditional
// predictions, i.e. coefficients 1/N), 1.6 (text encoder with every adapter), 4.4 (one cache per LoRA).
namespace CMLoRA.Engine.Composition.Schedules;

/// <summary>LoRA Composite: every LoRA is evaluated on its own each step; the predictions are averaged before CFG.</summary>
public sealed class CompositeSchedule : ICompositionSchedule
{
    /// <summary>Creates the schedule; null options mean the defaults (batched, no caching).</summary>
    public CompositeSchedule(CompositeOptions? options = null)
    {
        Options = options ?? new CompositeOptions();
        ScheduleArguments.CheckMaxAge(Options.MaxAge, nameof(options));
    }

    /// <summary>The options fixed at construction.</summary>
    public CompositeOptions Options { get; }

    /// <inheritdoc />
    public CompositionMethod Method => CompositionMethod.Composite;

    /// <inheritdoc />
    public StepPlan Plan(int step, int steps, IReadOnlyList<LoraSlot> loras)
    {
        ScheduleArguments.CheckStep(step, steps);
        ScheduleArguments.CheckLoras(loras, Method);

        var refresh = ScheduleArguments.SharedRefreshSteps(Options.Caching, Options.MaxAge, steps);
        var action = refresh is null ? CacheAction.None : refresh.Contains(step) ? CacheAction.Refresh : CacheAction.Reuse;
        double share = 1.0 / loras.Count;
        var runs = new AdapterRun[loras.Count];
        for (int i = 0; i < runs.Length; i++)
            runs[i] = new AdapterRun([new AdapterWeight(i, loras[i].Id, 1.0)], share, action, loras[i].Id);
        return new StepPlan(step, steps, Method, runs, Options.BatchAdapters && runs.Length > 1, ScheduleArguments.AllAdapters(loras));
    }

    /// <inheritdoc />
    public IReadOnlyList<StepPlan> PlanRun(int steps, IReadOnlyList<LoraSlot> loras) => ScheduleArguments.PlanEachStep(this, steps, loras);
}

// Base-model sampling, optionally with one DeepCache-style cache: CML's pipeline_no_lora (spec 3.9) and the
// refresh sets of spec 4.3.
namespace CMLoRA.Engine.Composition.Schedules;

/// <summary><see cref="CompositionMethod.None"/>: one base-model UNet evaluation per step, no adapters.</summary>
public sealed class NoLoraSchedule : ICompositionSchedule
{
    /// <summary>Cache key of the base model's single feature cache.</summary>
    public const string CacheKey = "base";

    /// <summary>Creates the schedule; null options mean the defaults (no caching).</summary>
    public NoLoraSchedule(NoLoraOptions? options = null)
    {
        Options = options ?? new NoLoraOptions();
        ScheduleArguments.CheckMaxAge(Options.MaxAge, nameof(options));
    }

    /// <summary>The options fixed at construction.</summary>
    public NoLoraOptions Options { get; }

    /// <inheritdoc />
    public CompositionMethod Method => CompositionMethod.None;

    /// <inheritdoc />
    public StepPlan Plan(int step, int steps, IReadOnlyList<LoraSlot> loras)
    {
        ScheduleArguments.CheckStep(step, steps);
        ScheduleArguments.CheckLoraIds(loras);
        if (loras.Count != 0)
            throw new ArgumentException("Method None runs the base model and takes no LoRAs; choose a composition method.", nameof(loras));

        // Deviation from reference: interval 0 crashes pipeline_no_lora (spec 9.11); here every refresh set is valid.
        var refresh = ScheduleArguments.SharedRefreshSteps(Options.Caching, Options.MaxAge, steps);
        var action = refresh is null ? CacheAction.None : refresh.Contains(step) ? CacheAction.Refresh : CacheAction.Reuse;
        var run = new AdapterRun([], 1.0, action, CacheKey);
        return new StepPlan(step, steps, Method, [run], Batched: false, TextEncoderAdapters: []);
    }

    /// <inheritdoc />
    public IReadOnlyList<StepPlan> PlanRun(int steps, IReadOnlyList<LoraSlot> loras) => ScheduleArguments.PlanEachStep(this, steps, loras);
}

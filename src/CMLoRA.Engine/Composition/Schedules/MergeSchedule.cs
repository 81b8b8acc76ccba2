// LoRA Merge: spec 2.1 (one evaluation with every adapter active, unnormalised sum), 1.6 (text encoder encoded with
// every adapter active), 4.4 (merge uses one shared cache cleared at the refresh steps).
namespace CMLoRA.Engine.Composition.Schedules;

/// <summary>LoRA Merge: every step is one UNet evaluation with all adapters active at weight 1 (or 1/N).</summary>
public sealed class MergeSchedule : ICompositionSchedule
{
    /// <summary>Creates the schedule; null options mean the defaults.</summary>
    public MergeSchedule(MergeOptions? options = null)
    {
        Options = options ?? new MergeOptions();
        ScheduleArguments.CheckMaxAge(Options.MaxAge, nameof(options));
    }

    /// <summary>The options fixed at construction.</summary>
    public MergeOptions Options { get; }

    /// <inheritdoc />
    public CompositionMethod Method => CompositionMethod.Merge;

    /// <summary>Cache key of the merged model's single cache: the LoRA ids joined by '+'.</summary>
    public static string CacheKeyOf(IReadOnlyList<LoraSlot> loras) => string.Join("+", loras.Select(l => l.Id));

    /// <inheritdoc />
    public StepPlan Plan(int step, int steps, IReadOnlyList<LoraSlot> loras)
    {
        ScheduleArguments.CheckStep(step, steps);
        ScheduleArguments.CheckLoras(loras, Method);

        double weight = Options.NormalizeWeights ? 1.0 / loras.Count : 1.0;
        var adapters = ScheduleArguments.AllAdapters(loras, weight);
        var refresh = ScheduleArguments.SharedRefreshSteps(Options.Caching, Options.MaxAge, steps);
        var action = refresh is null ? CacheAction.None : refresh.Contains(step) ? CacheAction.Refresh : CacheAction.Reuse;
        var run = new AdapterRun(adapters, 1.0, action, CacheKeyOf(loras));
        return new StepPlan(step, steps, Method, [run], Batched: false, TextEncoderAdapters: ScheduleArguments.AllAdapters(loras));
    }

    /// <inheritdoc />
    public IReadOnlyList<StepPlan> PlanRun(int steps, IReadOnlyList<LoraSlot> loras) => ScheduleArguments.PlanEachStep(this, steps, loras);
}

// LoRA Switch: spec 2.2 (MLC callback: one active adapter, rotating every switch_step steps in list order),
// 1.6 (the prompt is encoded with only the first LoRA active), 9.18 (the reference's off-by-one).
namespace CMLoRA.Engine.Composition.Schedules;

/// <summary>LoRA Switch: one adapter at a time, each active for exactly <see cref="SwitchOptions.SwitchStep"/> consecutive steps.</summary>
public sealed class SwitchSchedule : ICompositionSchedule
{
    /// <summary>Creates the schedule; null options mean the defaults (switch every 5 steps, no caching).</summary>
    public SwitchSchedule(SwitchOptions? options = null)
    {
        Options = options ?? new SwitchOptions();
        if (Options.SwitchStep < 1)
            throw new ArgumentOutOfRangeException(nameof(options), Options.SwitchStep, "The switch step must be at least 1.");
        ScheduleArguments.CheckMaxAge(Options.MaxAge, nameof(options));
    }

    /// <summary>The options fixed at construction.</summary>
    public SwitchOptions Options { get; }

    /// <inheritdoc />
    public CompositionMethod Method => CompositionMethod.Switch;

    /// <summary>
    /// Index of the LoRA active at <paramref name="step"/>: ⌊step / switchStep⌋ mod N. Segments are [0, s), [s, 2s), …
    /// </summary>
    public static int ActiveIndex(int step, int loraCount, int switchStep)
    {
        // Deviation from reference: MLC's callback switches after the scheduler step, so the first LoRA is active on
        // steps 0..s (s + 1 steps) and every later segment is shifted by one: k(i) = ((i − 1) div s) mod N for i ≥ 1
        // (spec 2.2, 9.18). Here every LoRA gets exactly s consecutive steps, starting at step 0.
        return step / switchStep % loraCount;
    }

    /// <inheritdoc />
    public StepPlan Plan(int step, int steps, IReadOnlyList<LoraSlot> loras)
    {
        ScheduleArguments.CheckStep(step, steps);
        ScheduleArguments.CheckLoras(loras, Method);

        int s = Options.SwitchStep;
        int active = ActiveIndex(step, loras.Count, s);
        var action = CacheAction.None;
        if (ScheduleArguments.SharedRefreshSteps(Options.Caching, Options.MaxAge, steps) is { } refresh)
        {
            // Deviation from reference: the reference keeps one cache across switches, so a feature computed with one
            // LoRA is reused after switching to another (spec 3.5, last paragraph). Caches are keyed by LoRA here, and
            // the first step of every segment refreshes, since the LoRA's own cache is then at least s·(N − 1) steps old.
            bool switched = step % s == 0 && loras.Count > 1;
            action = refresh.Contains(step) || switched ? CacheAction.Refresh : CacheAction.Reuse;
        }

        var run = new AdapterRun([new AdapterWeight(active, loras[active].Id, 1.0)], 1.0, action, loras[active].Id);
        var textEncoder = new[] { new AdapterWeight(0, loras[0].Id, 1.0) };
        return new StepPlan(step, steps, Method, [run], Batched: false, TextEncoderAdapters: textEncoder);
    }

    /// <inheritdoc />
    public IReadOnlyList<StepPlan> PlanRun(int steps, IReadOnlyList<LoraSlot> loras) => ScheduleArguments.PlanEachStep(this, steps, loras);
}

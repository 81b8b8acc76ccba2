// CMLoRA: spec 3.4 (dominant/non-dominant weights), 3.5 (offline pipeline: adapters = G1 ++ G2, dominance handed
// over at each refresh step, phase boundary at step 120 of 220), 3.2-3.3 (frequency groups), 4.3 (refresh sets),
// 4.4 (one cache per LoRA), 1.6 (the prompt is encoded with every LoRA active). Section 9 lists the reference
// defects fixed here; each fix is marked below.
using CMLoRA.Engine.Profiling;

namespace CMLoRA.Engine.Composition.Schedules;

/// <summary>
/// Cached Multi-LoRA. Every step evaluates each LoRA on its own (the Composite backbone) and combines the predictions
/// with the dominant LoRA at share w_dom/N and the others at w_nondom/N. Dominance passes to the next LoRA of the
/// frequency order at each step of <see cref="CmLoraOptions.DominantRefresh"/>, and the new dominant LoRA refreshes its
/// cache then. Early in the run only the high-frequency group rotates; from the phase boundary the low-frequency group
/// joins. Non-dominant LoRAs refresh at the steps of <see cref="CmLoraOptions.NonDominantRefresh"/>, and no cache is ever
/// <see cref="CmLoraOptions.MaxAge"/> steps old when read.
/// </summary>
public sealed class CmLoraSchedule : ICompositionSchedule
{
    /// <summary>Creates the schedule; null options mean the defaults of <see cref="CmLoraOptions"/>.</summary>
    public CmLoraSchedule(CmLoraOptions? options = null)
    {
        Options = options ?? new CmLoraOptions();
        ArgumentNullException.ThrowIfNull(Options.DominantRefresh, "options.DominantRefresh");
        ArgumentNullException.ThrowIfNull(Options.NonDominantRefresh, "options.NonDominantRefresh");
        ArgumentNullException.ThrowIfNull(Options.Ordering, "options.Ordering");
        ScheduleArguments.CheckMaxAge(Options.MaxAge, nameof(options));
        if (!(Options.LatePhaseStart >= 0 && Options.LatePhaseStart <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), Options.LatePhaseStart, "The late-phase start must be a fraction of the run in [0, 1].");
    }

    /// <summary>The options fixed at construction.</summary>
    public CmLoraOptions Options { get; }

    /// <inheritdoc />
    public CompositionMethod Method => CompositionMethod.CmLora;

    /// <summary>
    /// First step of the late phase: round(fraction·T), half away from zero. With the default 0.55 and T = 220 this is
    /// step 121, as the reference's <c>i &gt; 120</c>.
    /// </summary>
    public static int LatePhaseStartStep(int steps, double fraction)
    {
        // Deviation from reference: the boundary is the absolute step 120 whatever T is, so a 100-step run never
        // reaches the late phase (spec 9.7). It is a fraction of the run here.
        return (int)Math.Round(fraction * steps, MidpointRounding.AwayFromZero);
    }

    // The last run planned, so that a sampler asking step by step does not replay the run from step 0 each time.
    // An immutable object published by reference: a racing reader sees either the old run or the new one, whole.
    private sealed record PlannedRun(int Steps, LoraSlot[] Loras, IReadOnlyList<StepPlan> Plans);

    private volatile PlannedRun? _lastRun;

    /// <inheritdoc />
    public StepPlan Plan(int step, int steps, IReadOnlyList<LoraSlot> loras)
    {
        ScheduleArguments.CheckStep(step, steps);
        ArgumentNullException.ThrowIfNull(loras);
        var last = _lastRun;
        if (last is not null && last.Steps == steps && last.Loras.SequenceEqual(loras))
            return last.Plans[step];
        var plans = PlanRun(steps, loras);
        _lastRun = new PlannedRun(steps, loras.ToArray(), plans);
        return plans[step];
    }

    /// <inheritdoc />
    public IReadOnlyList<StepPlan> PlanRun(int steps, IReadOnlyList<LoraSlot> loras)
    {
        RefreshSchedule.CheckSteps(steps);
        ScheduleArguments.CheckLoras(loras, Method);

        // Deviation from reference: LoRAs of unknown categories are dropped from the adapters yet still counted in N,
        // and a composition without a high-frequency LoRA divides by zero (spec 9.9). Every LoRA is placed here.
        var order = LoraOrdering.Order(loras, Options.Ordering).All;
        int n = order.Count;
        int highCount = order.Count(o => o.Band == FrequencyBand.High);
        var handOvers = new HashSet<int>(Options.DominantRefresh.Steps(steps)) { 0 };
        var nonDominantRefresh = new HashSet<int>(Options.NonDominantRefresh.Steps(steps));
        int lateStart = LatePhaseStartStep(steps, Options.LatePhaseStart);
        var textEncoder = ScheduleArguments.AllAdapters(loras);

        var lastRefresh = new int[n];
        int dominant = -1, turns = 0;
        var plans = new StepPlan[steps];
        for (int step = 0; step < steps; step++)
        {
            var phase = step < lateStart ? CompositionPhase.Early : CompositionPhase.Late;
            // Deviation from reference: in the late phase the reference rotates over positions 1..R, excluding the
            // first high-frequency LoRA (spec 3.5). Here the low-frequency group joins the rotation and nobody leaves it.
            int rotation = phase == CompositionPhase.Early && highCount > 0 ? highCount : n;
            bool handOver = handOvers.Contains(step);
            if (handOver)
            {
                dominant = dominant + 1 < rotation ? dominant + 1 : 0;
                turns++;
            }

            double kappa = Options.DecayDominantWeight
                ? DominanceWeights.DecayedCoefficient(n, turns - 1)
                : DominanceWeights.DefaultCoefficient(n);
            double dominantShare = DominanceWeights.DominantShare(n, kappa);
            double otherShare = DominanceWeights.NonDominantShare(n, kappa);

            var runs = new AdapterRun[n];
            for (int p = 0; p < n; p++)
            {
                bool isDominant = p == dominant;
                var action = CacheAction.None;
                // Deviation from reference: caching there requires an interval above 1, so the 2/3/2 "interval 0" set
                // only rotates dominance (spec 9.3). Here UseCache alone decides, whatever the refresh sets are.
                if (Options.UseCache)
                {
                    // Deviation from reference: the reference refreshes nothing in the late phase (its assignment lands
                    // in a copy of a slice) and never refreshes the low-frequency group after step 0 (spec 9.4, 9.5).
                    // Here non-dominant LoRAs refresh on their own schedule and every cache has a maximum age.
                    bool refresh = step == 0
                        || (isDominant ? handOver : nonDominantRefresh.Contains(step))
                        || step - lastRefresh[p] >= Options.MaxAge;
                    if (refresh) lastRefresh[p] = step;
                    action = refresh ? CacheAction.Refresh : CacheAction.Reuse;
                }
                var entry = order[p];
                runs[p] = new AdapterRun([new AdapterWeight(entry.Index, entry.Slot.Id, 1.0)],
                    isDominant ? dominantShare : otherShare, action, entry.Slot.Id);
            }

            plans[step] = new StepPlan(step, steps, Method, runs, Options.BatchAdapters && n > 1, textEncoder)
            {
                DominantLora = order[dominant].Index,
                Phase = phase,
            };
        }
        return Array.AsReadOnly(plans);
    }
}

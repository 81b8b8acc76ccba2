using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;

namespace CMLoRA.Engine.Recipes;

/// <summary>
/// Cost estimates for the Generate page: plans the run with the method's schedule (<see cref="CompositionCost"/>), so
/// the evaluation counts are exactly what the generator will report in <see cref="GenerationStats"/>, and converts
/// them to seconds with a <see cref="SpeedCalibration"/>. LoRA adapter overhead (unmerged LoRA layers) is not
/// included: it adds a few percent per LoRA in measured runs.
/// </summary>
public static class GenerationCost
{
    /// <summary>Estimate for explicit LoRA slots (their categories and scores decide CMLoRA's order, not its counts).</summary>
    public static GenerationCostEstimate Estimate(CompositionMethod method, CompositionOptions? options, IReadOnlyList<LoraSlot> loras,
        int steps, bool classifierFreeGuidance = true, SpeedCalibration? speed = null, int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(loras);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Steps must be at least 1.");
        if (loras.Count == 0) method = CompositionMethod.None;
        var slots = method == CompositionMethod.None ? [] : loras;
        if (options is not null && options.Method != method) options = null;
        var schedule = CompositionScheduleFactory.Create(method, options);
        var plans = schedule.PlanRun(steps, slots);
        var cost = CompositionCost.Estimate(plans, speed?.ShallowFraction ?? 0, classifierFreeGuidance);
        if (speed is null)
            return new GenerationCostEstimate(method, slots.Count, steps, cost.FullEvaluations, cost.CachedEvaluations, classifierFreeGuidance,
                null, null, null);
        int w = width ?? speed.Width, h = height ?? speed.Height;
        return new GenerationCostEstimate(method, slots.Count, steps, cost.FullEvaluations, cost.CachedEvaluations, classifierFreeGuidance,
            cost.UnetEquivalents, cost.RelativeToBaseline, speed.ExpectedSeconds(cost.UnetEquivalents, w, h));
    }

    /// <summary>Estimate for <paramref name="loraCount"/> LoRAs of category Other.</summary>
    public static GenerationCostEstimate Estimate(CompositionMethod method, CompositionOptions? options, int loraCount, int steps,
        bool classifierFreeGuidance = true, SpeedCalibration? speed = null, int? width = null, int? height = null)
    {
        if (loraCount < 0) throw new ArgumentOutOfRangeException(nameof(loraCount), loraCount, "The LoRA count cannot be negative.");
        var slots = Enumerable.Range(0, loraCount).Select(i => new LoraSlot($"lora{i}")).ToList();
        return Estimate(method, options, slots, steps, classifierFreeGuidance, speed, width, height);
    }

    /// <summary>Estimate for a job as it will run.</summary>
    public static GenerationCostEstimate Estimate(GenerationJob job, SpeedCalibration? speed = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        var slots = job.Loras.Select(l => new LoraSlot(l.ResolvedId, l.Category, l.FrequencyScore)).ToList();
        return Estimate(job.EffectiveMethod, job.Options, slots, job.Image.Steps, job.Image.UsesGuidance, speed, job.Image.Width, job.Image.Height);
    }

    /// <summary>Estimate for re-running a recipe.</summary>
    public static GenerationCostEstimate Estimate(GenerationRecipe recipe, SpeedCalibration? speed = null)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var slots = recipe.Loras.Select(l => new LoraSlot(l.Name, l.Category, l.FrequencyScore)).ToList();
        return Estimate(recipe.Method, recipe.Options, slots, recipe.Steps, recipe.CfgScale > 1.0, speed, recipe.Width, recipe.Height);
    }
}

using CMLoRA.Engine.Adapters;
using CMLoRA.Engine.Composition.FeatureCache;
using CMLoRA.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Composition;

/// <summary>
/// The noise predictor of a multi-LoRA run (style guide 3.3): each step it asks the schedule for a plan, runs the
/// UNet for the planned evaluations — one batched call per cache action when the plan allows, else one call per
/// evaluation — with each evaluation's adapters, reads or refreshes the per-LoRA feature caches, combines the
/// predictions with the plan's weights; guidance is applied once, after the combination (spec 1.4, 2.3). The sampler
/// never sees LoRAs. LoRA i of <paramref name="loras"/> must be adapter i of <paramref name="adapters"/>.
/// </summary>
public sealed class CompositionDenoiser(
    CachingUNet unet,
    LoraAdapterSet? adapters,
    ICompositionSchedule schedule,
    IReadOnlyList<LoraSlot> loras,
    IReadOnlyList<float> loraScales,
    FeatureCacheSet cache,
    bool batchAdapters = true) : IDisposable
{
    private bool _merged;

    /// <summary>Evaluations (per CFG pair) that ran the full UNet, and that ran the cached shallow path.</summary>
    public int FullEvaluations { get; private set; }
    public int CachedEvaluations { get; private set; }

    /// <summary>UNet calls made (a batched call of k evaluations counts once).</summary>
    public int UNetCalls { get; private set; }

    /// <summary>The plan of every step predicted so far, in order (for the image's record and the plots).</summary>
    public List<StepPlan> Plans { get; } = [];

    /// <summary>
    /// When the plan never changes its adapters (Merge, or one LoRA), folds them into the weights once: the fastest
    /// path, and the reference's definition of Merge (spec 2.1). Returns true when merged.
    /// </summary>
    public bool MergeIfStatic(int steps)
    {
        if (adapters is null || loras.Count == 0) return false;
        var plans = schedule.PlanRun(steps, loras);
        var first = plans[0].Runs;
        bool isStatic = first.Count == 1 && plans.All(p => p.Runs.Count == 1 && SameAdapters(p.Runs[0], first[0]));
        if (!isStatic) return false;
        adapters.Active = AdapterMix.None;
        adapters.Merge(ToActive(first[0]));
        _merged = true;
        return true;
    }

    /// <summary>
    /// The combined noise prediction Σ NoiseWeight·ε_run for <paramref name="batch"/> (the sampler's scaled input,
    /// [uncond; cond] under guidance) at <paramref name="step"/>; guidance is the pipeline's to apply, which is
    /// equivalent because the combination is linear. Matches <see cref="Pipelines.NoisePredictor"/>.
    /// </summary>
    public Tensor Predict(int step, int steps, Tensor batch, Tensor timestep, Tensor conditioning)
    {
        var plan = schedule.Plan(step, steps, loras);
        Plans.Add(plan);
        using var scope = NewDisposeScope();
        var predictions = new Tensor[plan.Runs.Count];

        if (batchAdapters && plan.Batched && plan.Runs.Count > 1 && !_merged)
        {
            foreach (var group in Enumerable.Range(0, plan.Runs.Count).GroupBy(i => plan.Runs[i].Cache == CacheAction.Reuse))
                RunBatched(plan, group.ToArray(), batch, timestep, conditioning, predictions);
        }
        else
        {
            for (int i = 0; i < plan.Runs.Count; i++)
                RunBatched(plan, [i], batch, timestep, conditioning, predictions);
        }

        Tensor? combined = null;
        for (int i = 0; i < plan.Runs.Count; i++)
        {
            double w = plan.Runs[i].NoiseWeight;
            var weighted = w == 1.0 ? predictions[i] : predictions[i].Times(w);
            combined = combined is null ? weighted : combined.add(weighted, Scalars.One);
        }
        return combined!.MoveToOuterDisposeScope();
    }

    // Evaluates the runs at `indices` in one UNet call: batch slice k (a CFG pair) uses run k's adapters.
    private void RunBatched(StepPlan plan, int[] indices, Tensor pair, Tensor timestep, Tensor context, Tensor[] predictions)
    {
        int k = indices.Length;
        var runs = indices.Select(i => plan.Runs[i]).ToArray();
        var action = runs[0].Cache;
        if (adapters is not null && !_merged)
            adapters.Active = new AdapterMix(runs.Select(r => (IReadOnlyList<ActiveAdapter>)ToActive(r)).ToList());

        var input = k == 1 ? pair : cat(Enumerable.Repeat(pair, k).ToList(), 0);
        var contexts = k == 1 ? context : cat(Enumerable.Repeat(context, k).ToList(), 0);
        Tensor output;
        switch (action)
        {
            case CacheAction.Reuse:
                var feature = k == 1 ? cache.Get(runs[0].CacheKey) : cat(runs.Select(r => cache.Get(r.CacheKey)).ToList(), 0);
                output = unet.ForwardCached(input, timestep, contexts, feature);
                CachedEvaluations += k;
                break;
            case CacheAction.Refresh:
                var (prediction, recorded) = unet.ForwardRecording(input, timestep, contexts);
                output = prediction;
                var features = k == 1 ? [recorded] : recorded.chunk(k, 0);
                for (int j = 0; j < k; j++) cache.Store(runs[j].CacheKey, k == 1 ? features[j] : features[j].clone());
                if (k > 1) recorded.Dispose();
                FullEvaluations += k;
                break;
            default:
                output = unet.Forward(input, timestep, contexts);
                FullEvaluations += k;
                break;
        }
        UNetCalls++;
        var slices = k == 1 ? [output] : output.chunk(k, 0);
        for (int j = 0; j < k; j++) predictions[indices[j]] = slices[j];
    }

    private List<ActiveAdapter> ToActive(AdapterRun run) =>
        run.Adapters.Select(a => new ActiveAdapter(a.Index, (float)(a.Weight * loraScales[a.Index]))).ToList();

    private static bool SameAdapters(AdapterRun a, AdapterRun b) =>
        a.Adapters.Count == b.Adapters.Count && a.Adapters.Zip(b.Adapters).All(p => p.First.Index == p.Second.Index && p.First.Weight == p.Second.Weight);

    /// <summary>Turns adapters off and restores merged weights; the cache is the caller's to dispose.</summary>
    public void Dispose()
    {
        if (adapters is null) return;
        adapters.Active = AdapterMix.None;
        if (_merged) adapters.Restore();
        _merged = false;
    }
}

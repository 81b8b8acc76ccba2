using CMLoRA.Engine.Adapters;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.FeatureCache;
using CMLoRA.Engine.Tests.Models.Unet;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Composition;

public class CompositionDenoiserTests(TinyUnetFixture fixture) : IClassFixture<TinyUnetFixture>
{
    private const double Guidance = 7.5;
    private const int Steps = 6;

    private static readonly LoraSlot[] Slots =
    [
        new("hero", LoraCategory.Character, 0.9),
        new("sunset", LoraCategory.Background, 0.2),
        new("sketch", LoraCategory.Style, 0.7),
    ];

    // Random rank-2 adapters on every attention projection of the tiny UNet, one set per LoRA.
    private LoraAdapterSet BuildAdapters(int count)
    {
        // A private generator: other test classes draw from the global one in parallel.
        using var generator = new TorchSharp.torch.Generator(11);
        var set = new LoraAdapterSet(fixture.Unet);
        var targets = fixture.Unet.named_modules()
            .Where(m => m.module is Linear && (m.name.EndsWith("to_q") || m.name.EndsWith("to_v") || m.name.EndsWith("to_out.0")))
            .Select(m => (m.name, (Linear)m.module)).ToList();
        for (int i = 0; i < count; i++)
        {
            var layers = targets.ToDictionary(t => t.name, t =>
            {
                long outF = t.Item2.weight!.shape[0], inF = t.Item2.weight!.shape[1];
                return AdapterFactors.LowRank(randn(2, inF, generator: generator) * 0.3, randn(outF, 2, generator: generator) * 0.3, 1f);
            });
            set.AddLora(Slots[i].Id, layers);
        }
        return set;
    }

    private static Tensor Guided(CompositionDenoiser denoiser, int step, Tensor latents, Tensor t, Tensor negative, Tensor positive)
    {
        using var combined = denoiser.Predict(step, Steps, cat([latents, latents], 0), t, cat([negative, positive], 0));
        return CMLoRA.Engine.Sampling.Guidance.ApplyBatched(combined, Guidance);
    }

    private Tensor[] Run(ICompositionSchedule schedule, int loras, bool batch, out CompositionDenoiser used)
    {
        using var guard = no_grad();
        using var latents = fixture.Inputs.ReadTensor("unet_latents").narrow(0, 0, 1);
        using var context = fixture.Inputs.ReadTensor("unet_encoder_hidden_states");
        using var negative = context.narrow(0, 0, 1);
        using var positive = context.narrow(0, 1, 1);
        using var adapters = BuildAdapters(loras);
        using var cache = new FeatureCacheSet();
        var slots = Slots.Take(loras).ToList();
        var denoiser = new CompositionDenoiser(new CachingUNet(fixture.Unet), adapters, schedule, slots,
            Enumerable.Repeat(0.8f, loras).ToList(), cache, batch);
        var results = new Tensor[Steps];
        for (int step = 0; step < Steps; step++)
        {
            using var t = tensor(900f - 150f * step);
            results[step] = Guided(denoiser, step, latents, t, negative, positive);
        }
        denoiser.Dispose();
        used = denoiser;
        return results;
    }

    [Theory]
    [InlineData(CompositionMethod.Composite)]
    [InlineData(CompositionMethod.CmLora)]
    public void BatchedAdapterEvaluationEqualsSequential(CompositionMethod method)
    {
        var schedule = CompositionScheduleFactory.Create(method);
        var batched = Run(schedule, 3, batch: true, out var b);
        var sequential = Run(schedule, 3, batch: false, out var s);
        for (int i = 0; i < Steps; i++)
        {
            float diff = (batched[i] - sequential[i]).abs().max().item<float>();
            float scale = sequential[i].abs().max().item<float>();
            Assert.True(diff <= 1e-4f * Math.Max(1f, scale), $"step {i}: batched vs sequential max abs diff {diff} (scale {scale})");
        }
        Assert.True(b.UNetCalls < s.UNetCalls, $"batched made {b.UNetCalls} calls, sequential {s.UNetCalls}");
        Assert.Equal(s.FullEvaluations + s.CachedEvaluations, b.FullEvaluations + b.CachedEvaluations);
    }

    [Fact]
    public void CompositeGuidesTheMeanOfTheSingleLoraPredictions()
    {
        var composite = Run(CompositionScheduleFactory.Create(CompositionMethod.Composite), 2, batch: true, out _);
        using var guard = no_grad();
        using var latents = fixture.Inputs.ReadTensor("unet_latents").narrow(0, 0, 1);
        using var context = fixture.Inputs.ReadTensor("unet_encoder_hidden_states");
        using var adapters = BuildAdapters(2);
        using var t = tensor(900f);
        var pair = cat([latents, latents], 0);
        var sum = zeros_like(pair);
        for (int lora = 0; lora < 2; lora++)
        {
            adapters.Active = AdapterMix.All(new ActiveAdapter(lora, 0.8f));
            sum += fixture.Unet.call(pair, t, context);
        }
        adapters.Active = AdapterMix.None;
        var mean = sum / 2;
        var expected = mean[0..1] + (mean[1..2] - mean[0..1]) * Guidance;
        float diff = (composite[0] - expected).abs().max().item<float>();
        Assert.True(diff <= 1e-4f, $"composite vs hand-made mean max abs diff {diff}");
    }

    [Fact]
    public void MergeFoldsAdaptersOnceAndRestoresWeightsBitExactly()
    {
        var before = fixture.Unet.parameters().Select(p => p.detach().clone()).ToList();
        using var guard = no_grad();
        using var latents = fixture.Inputs.ReadTensor("unet_latents").narrow(0, 0, 1);
        using var context = fixture.Inputs.ReadTensor("unet_encoder_hidden_states");
        using var adapters = BuildAdapters(2);
        using var cache = new FeatureCacheSet();
        var slots = Slots.Take(2).ToList();
        var schedule = CompositionScheduleFactory.Create(CompositionMethod.Merge);
        using var t = tensor(500f);

        var merged = new CompositionDenoiser(new CachingUNet(fixture.Unet), adapters, schedule, slots, [0.8f, 0.8f], cache);
        Assert.True(merged.MergeIfStatic(Steps));
        using var fromMerged = Guided(merged, 0, latents, t, context[0..1], context[1..2]);
        merged.Dispose();

        var runtime = new CompositionDenoiser(new CachingUNet(fixture.Unet), adapters, schedule, slots, [0.8f, 0.8f], new FeatureCacheSet());
        using var fromRuntime = Guided(runtime, 0, latents, t, context[0..1], context[1..2]);
        runtime.Dispose();

        Assert.True((fromMerged - fromRuntime).abs().max().item<float>() <= 1e-4f);
        foreach (var (after, original) in fixture.Unet.parameters().Zip(before))
            Assert.Equal(original.bytes.ToArray(), after.bytes.ToArray());
    }

    [Fact]
    public void CmLoraUsesCachedEvaluationsAndCountsThem()
    {
        Run(CompositionScheduleFactory.Create(CompositionMethod.CmLora), 3, batch: true, out var denoiser);
        var plans = denoiser.Plans;
        int planned = plans.Sum(p => p.Runs.Count);
        int reuse = plans.Sum(p => p.Runs.Count(r => r.Cache == CacheAction.Reuse));
        Assert.Equal(planned, denoiser.FullEvaluations + denoiser.CachedEvaluations);
        Assert.Equal(reuse, denoiser.CachedEvaluations);
        Assert.True(reuse > 0, "CMLoRA's default schedule reuses caches within six steps");
    }
}

using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;
using CMLoRA.Engine.Recipes;

namespace CMLoRA.Engine.Tests.Recipes;

public class GenerationCostTests
{
    private static CompositionOptions? Options(CompositionMethod method, bool cached) => (method, cached) switch
    {
        (_, false) when method == CompositionMethod.CmLora => new CmLoraOptions { UseCache = false },
        (_, false) => null,
        (CompositionMethod.None, true) => new NoLoraOptions { Caching = RefreshSpec.Uniform(3) },
        (CompositionMethod.Merge, true) => new MergeOptions { Caching = RefreshSpec.Uniform(3) },
        (CompositionMethod.Switch, true) => new SwitchOptions { Caching = RefreshSpec.Uniform(3) },
        (CompositionMethod.Composite, true) => new CompositeOptions { Caching = RefreshSpec.Uniform(3) },
        _ => new CmLoraOptions(),
    };

    // 20 steps. Uniform(3) refreshes at {0,3,6,9,12,15,18} = 7 steps. Switch (5 steps per LoRA) also refreshes at the
    // first step of each segment {0,5,10,15} when it has more than one LoRA: 9 refresh steps. CMLoRA's defaults hand
    // dominance over every 2 steps and refresh the others every 4: N evaluations at {0,4,8,12,16}, 1 at the other even
    // steps, so 5N + 5 full of 20N.
    [Theory]
    [InlineData(CompositionMethod.None, 1, false, 20, 0)]
    [InlineData(CompositionMethod.None, 1, true, 7, 13)]
    [InlineData(CompositionMethod.Merge, 1, false, 20, 0)]
    [InlineData(CompositionMethod.Merge, 2, false, 20, 0)]
    [InlineData(CompositionMethod.Merge, 3, false, 20, 0)]
    [InlineData(CompositionMethod.Merge, 4, false, 20, 0)]
    [InlineData(CompositionMethod.Merge, 1, true, 7, 13)]
    [InlineData(CompositionMethod.Merge, 4, true, 7, 13)]
    [InlineData(CompositionMethod.Switch, 1, false, 20, 0)]
    [InlineData(CompositionMethod.Switch, 4, false, 20, 0)]
    [InlineData(CompositionMethod.Switch, 1, true, 7, 13)]
    [InlineData(CompositionMethod.Switch, 2, true, 9, 11)]
    [InlineData(CompositionMethod.Switch, 3, true, 9, 11)]
    [InlineData(CompositionMethod.Switch, 4, true, 9, 11)]
    [InlineData(CompositionMethod.Composite, 1, false, 20, 0)]
    [InlineData(CompositionMethod.Composite, 2, false, 40, 0)]
    [InlineData(CompositionMethod.Composite, 3, false, 60, 0)]
    [InlineData(CompositionMethod.Composite, 4, false, 80, 0)]
    [InlineData(CompositionMethod.Composite, 1, true, 7, 13)]
    [InlineData(CompositionMethod.Composite, 2, true, 14, 26)]
    [InlineData(CompositionMethod.Composite, 3, true, 21, 39)]
    [InlineData(CompositionMethod.Composite, 4, true, 28, 52)]
    [InlineData(CompositionMethod.CmLora, 1, false, 20, 0)]
    [InlineData(CompositionMethod.CmLora, 2, false, 40, 0)]
    [InlineData(CompositionMethod.CmLora, 3, false, 60, 0)]
    [InlineData(CompositionMethod.CmLora, 4, false, 80, 0)]
    [InlineData(CompositionMethod.CmLora, 1, true, 10, 10)]
    [InlineData(CompositionMethod.CmLora, 2, true, 15, 25)]
    [InlineData(CompositionMethod.CmLora, 3, true, 20, 40)]
    [InlineData(CompositionMethod.CmLora, 4, true, 25, 55)]
    public void EvaluationCountsPerImage(CompositionMethod method, int loras, bool cached, int full, int reused)
    {
        var estimate = GenerationCost.Estimate(method, Options(method, cached), method == CompositionMethod.None ? 0 : loras, steps: 20);
        Assert.Equal((method, full, reused, full + reused), (estimate.Method, estimate.FullEvaluations, estimate.CachedEvaluations, estimate.UNetEvaluations));
        Assert.Null(estimate.ExpectedSeconds);
        Assert.Null(estimate.UnetEquivalents);
    }

    [Fact]
    public void ExpectedSecondsUseTheCalibrationAndScaleWithPixels()
    {
        var speed = new SpeedCalibration(512, 512, SecondsPerUnetEvaluation: 0.5, ShallowFraction: 0.25, TextEncodeSeconds: 0.2, DecodeSeconds: 1.0);
        // CMLoRA, 3 LoRAs, 20 steps, CFG: (20 + 0.25·40)·2 = 60 batch-1 passes.
        var at512 = GenerationCost.Estimate(CompositionMethod.CmLora, null, 3, 20, speed: speed);
        Assert.Equal(60, at512.UnetEquivalents);
        Assert.Equal(1.5, at512.RelativeToBaseline);
        Assert.Equal(0.2 + 60 * 0.5 + 1.0, at512.ExpectedSeconds!.Value, 12);

        var at768 = GenerationCost.Estimate(CompositionMethod.CmLora, null, 3, 20, speed: speed, width: 768, height: 768);
        Assert.Equal(0.2 + 60 * 0.5 * 2.25 + 1.0 * 2.25, at768.ExpectedSeconds!.Value, 12);

        var noGuidance = GenerationCost.Estimate(CompositionMethod.Composite, null, 2, 10, classifierFreeGuidance: false, speed: speed);
        Assert.Equal(20, noGuidance.UnetEquivalents);
    }

    [Fact]
    public void NoLorasMeansTheBaseModelWhateverTheMethod()
    {
        var estimate = GenerationCost.Estimate(CompositionMethod.CmLora, new CmLoraOptions(), 0, 12);
        Assert.Equal((CompositionMethod.None, 0, 12, 0), (estimate.Method, estimate.LoraCount, estimate.FullEvaluations, estimate.CachedEvaluations));
    }

    [Fact]
    public void RecipeEstimateUsesItsOptionsAndGuidance()
    {
        var recipe = RecipeSamples.TwoLoras() with { Steps = 20, Options = new CmLoraOptions() };
        var estimate = GenerationCost.Estimate(recipe);
        Assert.Equal((15, 25, true), (estimate.FullEvaluations, estimate.CachedEvaluations, estimate.ClassifierFreeGuidance));
        Assert.False(GenerationCost.Estimate(recipe with { CfgScale = 1 }).ClassifierFreeGuidance);
    }
}

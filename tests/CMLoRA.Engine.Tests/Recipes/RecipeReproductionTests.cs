using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Recipes;
using CMLoRA.Engine.Sampling;
using CMLoRA.Engine.Tests.Generation;
using SixLabors.ImageSharp;

namespace CMLoRA.Engine.Tests.Recipes;

public class RecipeReproductionTests(TinyGeneratorFixture fixture) : IClassFixture<TinyGeneratorFixture>
{
    private GenerationJob TwoLoraJob(CompositionMethod method, CompositionOptions? options = null, string sampler = "dpmpp2m", bool? karras = null) =>
        new("a red circle, (sunset:1.2)", "blurry", [
                new LoraRequest(fixture.LoraPath, 0.8f, LoraCategory.Character, 0.12, Id: "alice"),
                new LoraRequest(fixture.LoraPath, 0.5f, LoraCategory.Background, Id: "garden"),
            ], method, options,
            new TextToImageRequest(Width: 64, Height: 64, Steps: 6, GuidanceScale: 6.5, Seed: 1234, Sampler: sampler, Karras: karras));

    private string ResolveByHash(RecipeLora lora)
    {
        Assert.True(lora.Hash.Matches(LoraHashes.Compute(fixture.LoraPath)), $"hash of {lora.Name} does not match the fixture LoRA");
        return fixture.LoraPath;
    }

    [Theory]
    [InlineData(CompositionMethod.CmLora, "dpmpp2m", true)]
    [InlineData(CompositionMethod.Composite, "euler_a", null)]
    [InlineData(CompositionMethod.Switch, "ddim", null)]
    public void ReRunFromThePngsRecipeGivesIdenticalPixels(CompositionMethod method, string sampler, bool? karras)
    {
        CompositionOptions? options = method switch
        {
            CompositionMethod.CmLora => new CmLoraOptions { DominantRefresh = RefreshSpec.Uniform(3), NonDominantRefresh = RefreshSpec.Uniform(5), MaxAge = 5 },
            CompositionMethod.Switch => new SwitchOptions { SwitchStep = 2 },
            _ => null,
        };
        var first = fixture.Generator.Generate(TwoLoraJob(method, options, sampler, karras));
        var model = ModelHashing.Compute(fixture.ModelPath);
        var recipe = GenerationRecipe.From(first, model, GeneratorSettings.Cpu);
        byte[] png = PngMetadata.Embed(first.Png, Infotext.Format(recipe), RecipeJson.Serialize(recipe));

        var imported = RecipeImport.FromPng(png);
        Assert.Equal(RecipeSource.RecipeJson, imported.Source);
        Assert.Empty(imported.Warnings);
        Assert.Empty(imported.Recipe.ReproductionWarnings(model, GeneratorSettings.Cpu));
        Assert.Equal(RecipeJson.Serialize(recipe), RecipeJson.Serialize(imported.Recipe));

        var again = fixture.Generator.Generate(imported.Recipe.ToJob(ResolveByHash));
        Assert.Equal(first.Png, again.Png);

        // The embedded PNG still decodes to the same pixels.
        using var a = Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(first.Png);
        using var b = Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(png);
        Assert.True(a.DangerousTryGetSinglePixelMemory(out var pa));
        Assert.True(b.DangerousTryGetSinglePixelMemory(out var pb));
        Assert.True(pa.Span.SequenceEqual(pb.Span));
    }

    [Fact]
    public void RecipeRecordsHashesOrdersOptionsAndRun()
    {
        var output = fixture.Generator.Generate(TwoLoraJob(CompositionMethod.CmLora));
        var hashes = LoraHashes.Compute(fixture.LoraPath);
        var recipe = GenerationRecipe.From(output, ModelHashing.Compute(fixture.ModelPath), GeneratorSettings.Cpu);

        Assert.Equal(["alice", "garden"], recipe.Loras.Select(l => l.Name));
        Assert.All(recipe.Loras, l => Assert.Equal((hashes.Sha256, hashes.AutoV2, hashes.AutoV3), (l.Sha256, l.AutoV2, l.AutoV3)));
        Assert.Equal([0.8f, 0.5f], recipe.Loras.Select(l => l.Weight));
        Assert.Equal(0.12, recipe.Loras[0].FrequencyScore);
        Assert.Equal(output.FrequencyOrder!.All.Select(o => o.Slot.Id), recipe.ScheduleOrder);
        Assert.Equal(CompositionMethod.CmLora, recipe.Method);
        Assert.Equal(new CmLoraOptions().DominantRefresh, ((CmLoraOptions)recipe.Options!).DominantRefresh);
        Assert.Equal(("dpmpp2m", 64, 64, 6, 6.5, 1234L, LatentNoise.RngSource), (recipe.Sampler, recipe.Width, recipe.Height, recipe.Steps, recipe.CfgScale, recipe.Seed, recipe.Rng));
        Assert.Equal(TimestepSpacing.Linspace, recipe.TimestepSpacing);
        Assert.Equal(("cpu", "float32"), (recipe.Runtime!.Device, recipe.Runtime.DType));
        Assert.Equal(output.Stats.FullEvaluations, recipe.Stats!.FullEvaluations);
        Assert.Equal(ModelHashing.DiffusersFolder, recipe.Model.Format);
        Assert.Equal("tiny-model", recipe.Model.Name);
    }

    [Theory]
    [InlineData(CompositionMethod.None)]
    [InlineData(CompositionMethod.Merge)]
    [InlineData(CompositionMethod.Switch)]
    [InlineData(CompositionMethod.Composite)]
    [InlineData(CompositionMethod.CmLora)]
    public void CostEstimateCountsWhatTheGeneratorRuns(CompositionMethod method)
    {
        var job = method == CompositionMethod.None ? TwoLoraJob(CompositionMethod.Merge) with { Loras = [] } : TwoLoraJob(method);
        var estimate = GenerationCost.Estimate(job);
        var output = fixture.Generator.Generate(job);
        Assert.Equal((output.Stats.FullEvaluations, output.Stats.CachedEvaluations), (estimate.FullEvaluations, estimate.CachedEvaluations));
        Assert.Equal(method == CompositionMethod.None ? CompositionMethod.None : method, estimate.Method);
    }

    [Fact]
    public void SpeedCalibrationMeasuresPositiveTimesAndScalesWithPixels()
    {
        var speed = SpeedCalibration.Measure(fixture.Generator);
        Assert.Equal((64, 64), (speed.Width, speed.Height));
        Assert.True(speed.SecondsPerUnetEvaluation > 0, speed.ToString());
        Assert.InRange(speed.ShallowFraction, 0, 1);
        Assert.Equal(4 * speed.SecondsPerUnetEvaluation, speed.SecondsPerUnetEvaluationAt(128, 128), 12);

        var estimate = GenerationCost.Estimate(TwoLoraJob(CompositionMethod.Composite), speed);
        // Composite, 2 LoRAs, 6 steps, CFG: 12 full CFG pairs = 24 batch-1 passes.
        Assert.Equal(24, estimate.UnetEquivalents);
        Assert.Equal(speed.TextEncodeSeconds + 24 * speed.SecondsPerUnetEvaluation + speed.DecodeSeconds, estimate.ExpectedSeconds!.Value, 12);
    }

    [Fact]
    public void ReproductionWarningsNameAnotherModelAndDevice()
    {
        var output = fixture.Generator.Generate(TwoLoraJob(CompositionMethod.Merge));
        var recipe = GenerationRecipe.From(output, new ModelIdentity("other", ModelHashing.SingleFile, new string('a', 64), "aaaaaaaaaa"),
            GeneratorSettings.Cpu) with { Rng = "a1111-gpu" };
        var warnings = recipe.ReproductionWarnings(ModelHashing.Compute(fixture.ModelPath));
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("The image was made with model 'other' (aaaaaaaaaa), not 'tiny-model'", warnings[0]);
        Assert.Equal("The image's noise came from 'a1111-gpu'; this engine draws it with 'torch-cpu-mt19937'.", warnings[1]);
    }
}

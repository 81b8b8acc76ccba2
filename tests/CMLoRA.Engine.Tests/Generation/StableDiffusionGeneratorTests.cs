using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Tests.Support;
using CMLoRA.Engine.Text;
using SixLabors.ImageSharp;

namespace CMLoRA.Engine.Tests.Generation;

public sealed class TinyGeneratorFixture : IDisposable
{
    private readonly TempDirectory _temp = new();

    public string ModelPath { get; }
    public StableDiffusionGenerator Generator { get; }
    public string LoraPath => Path.Combine(RepoPaths.TinyReference, "weights", "lora", "lora_kohya.safetensors");

    public TinyGeneratorFixture()
    {
        ModelPath = TinyModelFolder.Create(_temp.Path);
        Generator = StableDiffusionGenerator.Load(ModelPath);
    }

    public void Dispose()
    {
        Generator.Dispose();
        _temp.Dispose();
    }
}

public class StableDiffusionGeneratorTests(TinyGeneratorFixture fixture) : IClassFixture<TinyGeneratorFixture>
{
    private static TextToImageRequest Small(long seed = 7) => new(Width: 64, Height: 64, Steps: 6, GuidanceScale: 7.5, Seed: seed);

    private GenerationJob Job(CompositionMethod method, params LoraRequest[] loras) =>
        new("a red circle, (sunset:1.2)", "blurry", loras, method, null, Small());

    [Fact]
    public void GeneratesAPngOfTheRequestedSizeWithProgressEveryStep()
    {
        var steps = new List<int>();
        var output = fixture.Generator.Generate(Job(CompositionMethod.None), p =>
        {
            steps.Add(p.Step);
            Assert.Equal(8, p.RenderPreview().Width);
        });
        using var image = Image.Load(output.Png);
        Assert.Equal((64, 64), (image.Width, image.Height));
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, steps);
        Assert.Equal(6, output.Stats.FullEvaluations);
        Assert.Equal(6, output.Stats.UNetCalls);
        Assert.Equal(6, output.Stats.LatentHighFrequency.Count);
    }

    [Fact]
    public void SameSeedGivesIdenticalPixelsAndAnotherSeedDoesNot()
    {
        var first = fixture.Generator.Generate(Job(CompositionMethod.None));
        var again = fixture.Generator.Generate(Job(CompositionMethod.None));
        var other = fixture.Generator.Generate(Job(CompositionMethod.None) with { Image = Small(seed: 8) });
        Assert.Equal(first.Png, again.Png);
        Assert.NotEqual(first.Png, other.Png);
        Assert.Equal("torch-cpu-mt19937", first.Parameters.Noise.Rng);
    }

    [Theory]
    [InlineData(CompositionMethod.Merge)]
    [InlineData(CompositionMethod.Switch)]
    [InlineData(CompositionMethod.Composite)]
    [InlineData(CompositionMethod.CmLora)]
    public void EveryMethodRunsWithTwoLorasAndChangesTheImage(CompositionMethod method)
    {
        var baseline = fixture.Generator.Generate(Job(CompositionMethod.None));
        var output = fixture.Generator.Generate(Job(method,
            new LoraRequest(fixture.LoraPath, 0.8f, LoraCategory.Character, Id: "a"),
            new LoraRequest(fixture.LoraPath, 0.5f, LoraCategory.Background, Id: "b")));
        Assert.Equal(method, output.Method);
        Assert.NotEqual(baseline.Png, output.Png);
        Assert.Equal(new[] { "a", "b" }, output.LoraOrder);
        if (method == CompositionMethod.Merge) Assert.True(output.Stats.MergedWeights);
        if (method == CompositionMethod.CmLora)
        {
            Assert.True(output.Stats.CachedEvaluations > 0);
            Assert.Equal(6, output.Stats.DominantLora!.Count);
        }
        if (method == CompositionMethod.Composite) Assert.Equal(12, output.Stats.FullEvaluations);
    }

    [Fact]
    public void AdaptersAreRemovedAfterEachImage()
    {
        var before = fixture.Generator.Generate(Job(CompositionMethod.None));
        fixture.Generator.Generate(Job(CompositionMethod.Merge, new LoraRequest(fixture.LoraPath, 1f)));
        var after = fixture.Generator.Generate(Job(CompositionMethod.None));
        Assert.Equal(before.Png, after.Png);
    }

    [Fact]
    public void CancellationStopsWithinOneStep()
    {
        using var cancel = new CancellationTokenSource();
        int seen = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => fixture.Generator.Generate(Job(CompositionMethod.None), p =>
        {
            seen = p.Step;
            if (p.Step == 2) cancel.Cancel();
        }, cancel.Token));
        Assert.Equal(2, seen);
    }

    [Fact]
    public void BadRequestsAreRefusedWithPlainMessages()
    {
        var missing = Assert.Throws<ArgumentException>(() => fixture.Generator.Generate(Job(CompositionMethod.Merge, new LoraRequest("/nope/x.safetensors"))));
        Assert.Equal("LoRA file not found: /nope/x.safetensors", missing.Message);
        var size = Assert.Throws<ArgumentException>(() => fixture.Generator.Generate(Job(CompositionMethod.None) with { Image = Small() with { Width = 60 } }));
        Assert.Contains("multiples of 8", size.Message);
        var none = Assert.Throws<ArgumentException>(() => fixture.Generator.Generate(Job(CompositionMethod.None, new LoraRequest(fixture.LoraPath))));
        Assert.Contains("composition method is 'none'", none.Message);
    }

    [Fact]
    public void ModelWithoutATokenizerIsRefusedSayingWhereToPutIt()
    {
        string folder = Path.Combine(RepoPaths.TinyReference, "weights", "diffusers");
        var error = Assert.Throws<TokenizerFilesMissingException>(() => StableDiffusionGenerator.Load(folder).Dispose());
        Assert.Contains(Path.Combine(folder, "tokenizer"), error.Message);
    }
}

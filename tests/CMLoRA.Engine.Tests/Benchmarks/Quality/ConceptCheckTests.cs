using CMLoRA.Engine.Benchmarks.Quality;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Tests.Support;
using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Tests.Benchmarks.Quality;

public class ConceptCheckTests
{
    private static readonly Lazy<ConceptClassifier> Classifier = new(ConceptClassifier.LoadBuiltIn);

    // The scoring path (PNG → 8-bit pixels → classifier → per-category decision) on rendered ground truth, where the
    // embedded classifier is accurate: every requested concept is found, absent ones are not.
    [Theory]
    [InlineData(11L, "boovik", "kronvel", "nimbrae")]
    [InlineData(12L, "zorbly", "vashtor", "zipplet")]
    [InlineData(13L, "boovik", "quillop", "thalvoo", "kazzuk")]
    public void RenderedScenesOfTheRequestedConceptsScoreAsPresent(long seed, params string[] triggers)
    {
        var concepts = ConceptCheck.Resolve(triggers);
        byte[] png = QualityBenchmark.RenderPng(QualityPrompt.Scene(concepts), seed);

        var score = ConceptCheck.Score(Classifier.Value, png, concepts);

        Assert.True(score.AllPresent, string.Join(", ", score.Probabilities.Select(p => $"{p.Key} {p.Value:F3}")));
        Assert.Equal(1.0, score.Recall);
        Assert.Equal(concepts.Select(c => c.Id), score.Probabilities.Keys);
        var absent = ConceptCheck.Score(Classifier.Value, png, ConceptCheck.Resolve(["fendrel", "zipplet"]));
        Assert.False(absent.Detected["wave_engraving"]);
    }

    [Fact]
    public void UnknownConceptNamesAreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => ConceptCheck.Resolve(["boovik", "blorp"]));
        Assert.StartsWith("'blorp' is not a world concept; use an id or a trigger word (boovik, zorbly,", error.Message);
    }

    // Mechanics only on the tiny model (it has never seen the world): a native-size image, probabilities for exactly
    // the named concepts, and the same numbers for the same seed.
    [Fact]
    public void GeneratesAtNativeSizeAndScoresTheNamedConceptsDeterministically()
    {
        using var temp = new TempDirectory();
        var (model, loras) = QualityBenchmarkTests.TinySetup(temp.Path);
        using var generator = StableDiffusionGenerator.Load(model);
        var lora = new LoraRequest(Path.Combine(loras, "boovik.safetensors"), 1f, LoraCategory.Character);

        var first = ConceptCheck.Run(generator, Classifier.Value, "a red boovik character", 3, ["boovik", "plain"], steps: 2, loras: [lora]);
        var second = ConceptCheck.Run(generator, Classifier.Value, "a red boovik character", 3, ["boovik", "plain"], steps: 2, loras: [lora]);
        var other = ConceptCheck.Run(generator, Classifier.Value, "a red boovik character", 4, ["boovik", "plain"], steps: 2, loras: [lora]);

        Assert.Equal(new[] { "ghost", "plain" }, first.Score.Probabilities.Keys);
        Assert.All(first.Score.Probabilities.Values, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(first.Score.Probabilities, second.Score.Probabilities);
        Assert.Equal(first.Output.Png, second.Output.Png);
        Assert.NotEqual(first.Output.Png, other.Output.Png);
        Assert.Equal(CompositionMethod.CmLora, first.Output.Method);
        Assert.Equal((64, 64), (first.Output.Parameters.Request.Width, first.Output.Parameters.Request.Height));
        Assert.True(first.Seconds > 0);
    }
}

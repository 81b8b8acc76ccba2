using CMLoRA.Engine.Benchmarks.Quality;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Tests.Support;
using CMLoRA.Engine.Training;
using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Tests.BuiltIn;

/// <summary>
/// The model and demo LoRAs committed in models/builtin draw what they are asked for: fixed seeds, 20 steps, scored by
/// the world's concept classifier (trained on rendered pictures, never on model outputs). Corrupted weights, a broken
/// loader, sampler or LoRA path make these fail. The seeds are fixed; the quality benchmark reports the rates over many.
/// </summary>
[Collection(ShippedModel.Name)]
public class ShippedModelTests(ShippedModel shipped)
{
    [Fact]
    public void TheBaseModelDrawsTheConceptsOfItsPrompt()
    {
        var result = ConceptCheck.Run(shipped.Generator, shipped.Classifier,
            "a blue square character wearing a scarf, on a hills background, crosshatch style, with a tree", seed: 2, ["square", "hills", "tree"]);

        Assert.True(result.Score.AllPresent, Describe(result));
    }

    // The demo LoRAs that teach their concept at this seed (see docs/builtin-model.md for the rates over seeds; boovik,
    // quillop and fendrel do not yet, so they are not pinned here).
    [Theory]
    [InlineData("kronvel", "a red circle character wearing a kronvel, on a plain background", 1)]
    [InlineData("vashtor", "a red circle character, on a hills background, vashtor style", 1)]
    [InlineData("nimbrae", "a pink circle character, on a nimbrae background", 1)]
    [InlineData("thalvoo", "a orange triangle character, on a thalvoo background", 1)]
    [InlineData("zorbly", "a blue zorbly character, on a plain background", 1)]
    [InlineData("zipplet", "a red circle character, on a plain background, with a zipplet", 4)]
    [InlineData("kazzuk", "a red circle character, on a plain background, with a kazzuk", 4)]
    public void ADemoLoraTeachesItsConcept(string trigger, string prompt, long seed)
    {
        var result = ConceptCheck.Run(shipped.Generator, shipped.Classifier, prompt, seed, [trigger], loras: [shipped.Lora(trigger)]);

        Assert.True(result.Score.AllPresent, Describe(result));
    }

    [Fact]
    public void WithoutItsLoraTheBaseModelDoesNotDrawANovelConcept()
    {
        // The LoRA, not the prompt's made-up word, carries the concept: the same prompt and seed without it.
        var result = ConceptCheck.Run(shipped.Generator, shipped.Classifier, "a pink circle character, on a nimbrae background", 1, ["nimbrae"]);

        Assert.False(result.Score.AllPresent, Describe(result));
    }

    [Fact]
    public void TheSingleFileVariantGivesTheSameImage()
    {
        // The single file carries the folder's configs, scheduler and 709-token tokenizer in its metadata, and the same
        // float16 tensors: both load as the same float32 modules, so the PNGs must be identical (tolerance: none).
        using var singleFile = StableDiffusionGenerator.Load(Path.Combine(ShippedModel.Folder, ShippedModel.SingleFileName));
        var request = ConceptCheck.NativeRequest(shipped.Generator, steps: 8, guidanceScale: 7.5, seed: 4);
        var job = new GenerationJob("a green triangle character wearing a scarf, on a hills background", "", [],
            CompositionMethod.None, null, request);

        var fromFolder = shipped.Generator.Generate(job);
        var fromFile = singleFile.Generate(job);

        Assert.Equal(709, singleFile.TextEncoder.Config.VocabSize);
        Assert.Equal(shipped.Generator.Scheduler, singleFile.Scheduler);
        Assert.Equal(fromFolder.Png, fromFile.Png);
    }

    [Fact]
    public void TheSingleFileIsWhatTheExporterWritesFromTheFolder()
    {
        // Regenerate with BuiltInModelExporter.WriteSingleFileFromFolder(models/builtin) when the folder changes.
        using var temp = new TempDirectory();
        string written = BuiltInModelExporter.WriteSingleFileFromFolder(ShippedModel.Folder, temp.File(ShippedModel.SingleFileName));

        Assert.True(File.ReadAllBytes(Path.Combine(ShippedModel.Folder, ShippedModel.SingleFileName)).AsSpan()
            .SequenceEqual(File.ReadAllBytes(written)), "models/builtin/cmlora-builtin.safetensors is not the folder written as one file");
    }

    private static string Describe(ConceptCheckResult result) =>
        string.Join(", ", result.Score.Probabilities.Select(p => $"{p.Key} {p.Value:F3}"));
}

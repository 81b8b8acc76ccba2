using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Tests.Loading;
using CMLoRA.Engine.Text;

namespace CMLoRA.Engine.Tests.Generation;

/// <summary>
/// A non-SD-1.5 single file generates like its diffusers folder when its metadata carries the configs, scheduler and
/// tokenizer; without a tokenizer in the metadata it takes the one of the folder it sits in.
/// </summary>
public sealed class SingleFileGenerationTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _folder;
    private readonly Dictionary<string, string> _full;

    public SingleFileGenerationTests()
    {
        _folder = TinyModelFolder.Create(_temp.Path);
        _full = TinySingleFile.FullMetadata(_folder);
    }

    public void Dispose() => _temp.Dispose();

    private static readonly GenerationJob Job = new("a red circle, (sunset:1.2)", "blurry", [], CompositionMethod.None, null,
        new TextToImageRequest(Width: 64, Height: 64, Steps: 4, GuidanceScale: 7.5, Seed: 11, Sampler: "dpmpp2m"));

    private byte[] FromFolder()
    {
        using var generator = StableDiffusionGenerator.Load(_folder);
        return generator.Generate(Job).Png;
    }

    [Fact]
    public void ASingleFileWithItsMetadataGivesTheFoldersImage()
    {
        string path = TinySingleFile.Write(_temp.File("alone.safetensors"), _full);
        using var generator = StableDiffusionGenerator.Load(path);

        Assert.Equal(("DPMSolverMultistepScheduler", 1000), (generator.Scheduler.ClassName, generator.TextEncoder.Config.VocabSize));
        // Same stored float32 tensors, same configs and tokens: the pixels are identical, not merely close.
        Assert.Equal(FromFolder(), generator.Generate(Job).Png);
    }

    [Fact]
    public void ASingleFileWithoutATokenizerInsideItsFolderUsesTheFoldersTokenizer()
    {
        var metadata = _full.With(SingleFileMetadata.TokenizerVocabKey, null).With(SingleFileMetadata.TokenizerMergesKey, null);
        string path = TinySingleFile.Write(Path.Combine(_folder, "tiny.safetensors"), metadata);
        using var generator = StableDiffusionGenerator.Load(path);
        Assert.Equal(FromFolder(), generator.Generate(Job).Png);
    }

    [Fact]
    public void ASingleFileWithoutATokenizerAndNoFolderSaysWhereToPutOne()
    {
        var metadata = _full.With(SingleFileMetadata.TokenizerVocabKey, null).With(SingleFileMetadata.TokenizerMergesKey, null);
        string alone = _temp.File("alone");
        Directory.CreateDirectory(alone);
        string path = TinySingleFile.Write(Path.Combine(alone, "tiny.safetensors"), metadata);
        var error = Assert.Throws<TokenizerFilesMissingException>(() => StableDiffusionGenerator.Load(path).Dispose());
        Assert.Equal(alone, error.Folder);
        Assert.Contains(Path.Combine(alone, "tokenizer"), error.Message);
    }
}

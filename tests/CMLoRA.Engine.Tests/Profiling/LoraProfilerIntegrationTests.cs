using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Profiling;
using CMLoRA.Engine.Tests.Support;

namespace CMLoRA.Engine.Tests.Profiling;

/// <summary>Profiling with the tiny random model: the plumbing works end to end (its spectra mean nothing).</summary>
public sealed class LoraProfilerIntegrationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void TinyModelProfileHasAFiniteScoreAndDrivesTheCmLoraOrder()
    {
        using var generator = StableDiffusionGenerator.Load(TinyModelFolder.Create(_temp.Path));
        string fixture = Path.Combine(RepoPaths.TinyReference, "weights", "lora", "lora_kohya.safetensors");
        string profiled = _temp.File("kohya.safetensors"), unprofiled = _temp.File("other.safetensors");
        File.Copy(fixture, profiled);
        File.Copy(fixture, unprofiled);

        // 1. Profile one LoRA: 1 seed, 2 steps, 64×64 (the tiny model's native size)
        var source = new GeneratorProfileSource(generator);
        Assert.Equal((64, "tiny-model"), (source.NativeSize, source.ModelName));
        var profiler = new LoraProfiler(source, new LoraProfilerOptions { Seeds = [7], Steps = 2, Size = 64 });
        var steps = new List<(int Image, int Step)>();
        var profile = profiler.Profile(new LoraProfileTarget(profiled), p => steps.Add((p.Image, p.Step)));
        string sidecar = LoraProfileSidecar.Write(profiled, profile);

        Assert.True(double.IsFinite(profile.Score));
        Assert.NotEqual(0.0, profile.Score); // the random LoRA does change the image
        Assert.Equal("kohya", profile.Prompt); // no trigger words in the file: its name
        Assert.Equal([(1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2)], steps);
        Assert.Equal(9, profile.Spectrum.CutoffRadius);
        Assert.True(File.Exists(sidecar));

        // 2. The base render is the generator's plain image, read back from its PNG
        var direct = generator.Generate(new GenerationJob("kohya", "", [], CompositionMethod.None, null, new TextToImageRequest(64, 64, 2, Seed: 7)));
        var grey = ProfileImage.FromPng(direct.Png).ToGrey();
        double baseH = FrequencyStatistic.Profile(grey, 64, 64, new FrequencyOptions { PixelScale = 1 }).HighFrequencyScore;
        Assert.Equal(baseH, profile.BaseHighFrequency, 12);

        // 3. Generation records which LoRA the profile ordered and which its category placed
        var job = new GenerationJob("a castle", "", [new LoraRequest(unprofiled, Category: LoraCategory.Background), new LoraRequest(profiled, Category: LoraCategory.Character)],
            CompositionMethod.CmLora, null, new TextToImageRequest(64, 64, 2, Seed: 3));
        var resolved = new LoraProfileResolver().Resolve(job);
        Assert.Equal([LoraProfileOrigin.None, LoraProfileOrigin.Sidecar], resolved.Loras.Select(l => l.Origin));
        var output = generator.Generate(resolved.Job);
        var order = output.FrequencyOrder!;
        var kohya = Assert.Single(order.All, o => o.Slot.Id == "kohya");
        var other = Assert.Single(order.All, o => o.Slot.Id == "other");
        Assert.Equal((BandSource.Score, profile.Score < 0 ? FrequencyBand.Low : FrequencyBand.High, profile.Score), (kohya.Source, kohya.Band, kohya.Slot.FrequencyScore));
        Assert.Equal((BandSource.Category, FrequencyBand.Low), (other.Source, other.Band));
        Assert.Null(generator.Generate(job with { Method = CompositionMethod.Merge }).FrequencyOrder);
    }
}

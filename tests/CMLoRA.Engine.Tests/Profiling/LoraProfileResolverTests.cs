using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Profiling;
using CMLoRA.Engine.Tests.Support;

namespace CMLoRA.Engine.Tests.Profiling;

public sealed class LoraProfileResolverTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeProfileSource _source = new();

    public void Dispose() => _temp.Dispose();

    private LoraProfiler Profiler => new(_source, new LoraProfilerOptions { Steps = 1, Seeds = [1] });

    private string File(string name)
    {
        // A header-only safetensors file without metadata: the profiler falls back to the file name as trigger word.
        string path = _temp.File(name + ".safetensors");
        using var tensor = TorchSharp.torch.zeros(1);
        Engine.Tensors.SafetensorsWriter.Write(path, [new("stand_in", tensor)]);
        return path;
    }

    private static GenerationJob Job(CompositionMethod method, CompositionOptions? options, params LoraRequest[] loras) =>
        new("a castle", "", loras, method, options, new TextToImageRequest(64, 64, 2));

    [Fact]
    public void ScoresComeFromTheCallerThenSidecarsThenFirstUseProfiling()
    {
        string given = File("given"), sidecar = File("smooth"), missing = File("checker");
        var stored = Profiler.Profile(new LoraProfileTarget(sidecar, ["smooth"]));
        LoraProfileSidecar.Write(sidecar, stored);
        _source.Renders.Clear();

        var progress = new List<LoraProfilerProgress>();
        var resolved = new LoraProfileResolver(Profiler) { ProfileMissing = true }.Resolve(Job(CompositionMethod.CmLora, null,
            new LoraRequest(given, FrequencyScore: 0.9, Category: LoraCategory.Style),
            new LoraRequest(sidecar, Category: LoraCategory.Character),
            new LoraRequest(missing, Category: LoraCategory.Background)), progress.Add);

        Assert.Equal([LoraProfileOrigin.Given, LoraProfileOrigin.Sidecar, LoraProfileOrigin.Profiled], resolved.Loras.Select(l => l.Origin));
        Assert.Equal(["given", "smooth", "checker"], resolved.Loras.Select(l => l.LoraId));
        var scores = resolved.Job.Loras.Select(l => l.FrequencyScore).ToList();
        Assert.Equal(0.9, scores[0]);
        Assert.Equal(stored.Score, scores[1]);
        Assert.Equal(resolved.Loras[2].Profile!.Score, scores[2]);
        // Only the missing LoRA was rendered (its base image and its own), and its sidecar now exists.
        Assert.Equal(2, _source.Renders.Count);
        Assert.Equal(["checker", "checker"], progress.Where(p => p.Step == 0).Select(p => p.LoraId));
        Assert.Equal(resolved.Loras[2].Profile!.Score, LoraProfileSidecar.TryRead(missing, out _)!.Score);
        Assert.All(resolved.Loras, l => Assert.Null(l.Warning));

        // With scores, the groups follow the profiles: the smoothing "character" is low, the textured "background" high.
        var ordering = Assert.IsType<CmLoraOptions>(resolved.Job.Options).Ordering;
        Assert.Equal(0.0, ordering.LowFrequencyThreshold);
        var order = LoraOrdering.Order(resolved.Job.Loras.Select(l => new LoraSlot(l.ResolvedId, l.Category, l.FrequencyScore)).ToList(), ordering);
        Assert.Equal(["given", "checker", "smooth"], order.All.Select(o => o.Slot.Id));
        Assert.Equal(["smooth"], order.Low.Select(o => o.Slot.Id));
    }

    [Fact]
    public void WithoutProfilingMissingLorasFallBackToTheirCategory()
    {
        string bare = File("checker");
        var resolved = new LoraProfileResolver().Resolve(Job(CompositionMethod.CmLora, null, new LoraRequest(bare, Category: LoraCategory.Background)));
        var status = Assert.Single(resolved.Loras);
        Assert.Equal((LoraProfileOrigin.None, null, null), (status.Origin, status.Profile, status.Warning));
        Assert.Null(resolved.Job.Loras[0].FrequencyScore);
        Assert.Null(resolved.Job.Options); // nothing profiled: the reference's category partition stays
        Assert.Empty(_source.Renders);
    }

    [Fact]
    public void AStaleSidecarIsReportedAndTheLoraProfiledAgain()
    {
        string path = File("checker");
        var old = Profiler.Profile(new LoraProfileTarget(path, ["checker"]));
        LoraProfileSidecar.Write(path, old with { LoraFileLength = 1 });
        var resolved = new LoraProfileResolver(Profiler) { ProfileMissing = true }.Resolve(Job(CompositionMethod.CmLora, null, new LoraRequest(path)));
        Assert.Equal(LoraProfileOrigin.Profiled, resolved.Loras[0].Origin);
        var reread = LoraProfileSidecar.TryRead(path, out string? problem);
        Assert.Null(problem);
        Assert.Equal(new FileInfo(path).Length, reread!.LoraFileLength);

        LoraProfileSidecar.Write(path, old with { LoraFileLength = 1 });
        var unprofiled = new LoraProfileResolver().Resolve(Job(CompositionMethod.CmLora, null, new LoraRequest(path)));
        Assert.Equal(LoraProfileOrigin.None, unprofiled.Loras[0].Origin);
        Assert.StartsWith("checker.profile.json is stale", unprofiled.Loras[0].Warning);
    }

    [Fact]
    public void ACallersThresholdAndOtherMethodsOptionsAreLeftAlone()
    {
        var chosen = new CmLoraOptions { Ordering = new LoraOrderingOptions { LowFrequencyThreshold = 0.1 }, MaxAge = 6 };
        var kept = new LoraProfileResolver().Resolve(Job(CompositionMethod.CmLora, chosen, new LoraRequest(File("a"), FrequencyScore: 0.2)));
        Assert.Same(chosen, kept.Job.Options);

        var custom = new CmLoraOptions { MaxAge = 6 };
        var filled = Assert.IsType<CmLoraOptions>(new LoraProfileResolver { LowFrequencyThreshold = -0.05 }
            .Resolve(Job(CompositionMethod.CmLora, custom, new LoraRequest(File("b"), FrequencyScore: 0.2))).Job.Options);
        Assert.Equal((6, -0.05), (filled.MaxAge, filled.Ordering.LowFrequencyThreshold));

        var merge = new LoraProfileResolver().Resolve(Job(CompositionMethod.Merge, null, new LoraRequest(File("c"), FrequencyScore: 0.2)));
        Assert.Null(merge.Job.Options);
    }

    [Fact]
    public void OnlyCmLoraJobsAreProfiledOnFirstUse()
    {
        var resolved = new LoraProfileResolver(Profiler) { ProfileMissing = true }
            .Resolve(Job(CompositionMethod.Composite, null, new LoraRequest(File("checker"))));
        Assert.Equal(LoraProfileOrigin.None, resolved.Loras[0].Origin);
        Assert.Empty(_source.Renders);
    }

    [Fact]
    public void ProfilingOnFirstUseNeedsAProfiler()
    {
        Assert.Equal("Profiling missing LoRAs needs a LoraProfiler.",
            Assert.Throws<InvalidOperationException>(() => new LoraProfileResolver { ProfileMissing = true }.Resolve(Job(CompositionMethod.CmLora, null))).Message);
    }
}

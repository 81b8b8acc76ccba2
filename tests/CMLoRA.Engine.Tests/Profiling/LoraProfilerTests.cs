using System.Xml.Linq;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Profiling;
using CMLoRA.Engine.Tests.Support;

namespace CMLoRA.Engine.Tests.Profiling;

public sealed class LoraProfilerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // A stand-in LoRA file: the fake source only looks at its name, the profiler hashes its bytes.
    private LoraProfileTarget Lora(string name, params string[] triggers)
    {
        string path = _temp.File(name + ".safetensors");
        if (!File.Exists(path)) File.WriteAllText(path, "stand-in for " + name);
        return new LoraProfileTarget(path, triggers.Length > 0 ? triggers : [name]);
    }

    private static LoraProfilerOptions Fast => new() { Steps = 2 };

    [Fact]
    public void CheckerboardLoraIsHighFrequencyAndSmoothingLoraIsLow()
    {
        var profiler = new LoraProfiler(new FakeProfileSource(), Fast);
        var profiles = profiler.ProfileAll([Lora("checker"), Lora("smooth"), Lora("neutral")]);
        var (checker, smooth, neutral) = (profiles[0], profiles[1], profiles[2]);

        Assert.True(checker.Score > 0.01, $"checker ΔH {checker.Score}");
        Assert.True(smooth.Score < -0.01, $"smooth ΔH {smooth.Score}");
        Assert.Equal(FrequencyBand.High, checker.Group);
        Assert.Equal(FrequencyBand.Low, smooth.Group);
        // A LoRA that changes nothing scores exactly 0, which the default threshold puts in the high group.
        Assert.Equal(0.0, neutral.Score);
        Assert.Equal(FrequencyBand.High, neutral.Group);
        Assert.All(checker.PerSeedScores, s => Assert.True(s > 0));
        Assert.All(smooth.PerSeedScores, s => Assert.True(s < 0));
    }

    [Fact]
    public void ScoreIsTheMeanPairedDifferenceAndTheAveragedSpectraAgreeWithIt()
    {
        var profile = new LoraProfiler(new FakeProfileSource(), Fast).Profile(Lora("checker"));
        Assert.Equal([222L, 223L, 224L], profile.Seeds);
        Assert.Equal(3, profile.PerSeedScores.Count);
        Assert.Equal(profile.PerSeedScores.Average(), profile.Score, 15);
        Assert.Equal(profile.LoraHighFrequency - profile.BaseHighFrequency, profile.Score, 14);
        // H is linear in P_rel, so the point-wise mean spectrum has the mean H.
        Assert.Equal(profile.LoraHighFrequency, profile.Spectrum.HighFrequencyScore, 15);
        Assert.Equal(profile.LoraHighFrequency, profile.Spectrum.Relative.Skip(9).Average(), 12);
        Assert.Equal(profile.BaseHighFrequency, profile.BaseSpectrum.Relative.Skip(9).Average(), 12);
        Assert.Equal((9, 45, 64, 64), (profile.Spectrum.CutoffRadius, profile.Spectrum.MaxRadius, profile.Spectrum.Height, profile.Size));
        Assert.Equal("checker", profile.Prompt);
        Assert.Equal(("fake-model", 2, 7.5, "dpmpp2m", "checker.safetensors"),
            (profile.Model, profile.Steps, profile.GuidanceScale, profile.Sampler, profile.LoraFileName));
        Assert.Equal(64, profile.LoraSha256.Length);
    }

    [Fact]
    public void ProfilesAreDeterministic()
    {
        var first = new LoraProfiler(new FakeProfileSource(), Fast).Profile(Lora("checker"));
        var again = new LoraProfiler(new FakeProfileSource(), Fast).Profile(Lora("checker"));
        Assert.Equal(first.PerSeedScores, again.PerSeedScores);
        Assert.Equal(first.Spectrum.Relative, again.Spectrum.Relative);
        Assert.Equal(first.BaseSpectrum.Amplitude, again.BaseSpectrum.Amplitude);
    }

    [Fact]
    public void RendersEachSeedWithAndWithoutTheLoraAndSharesBaseImagesOfEqualPrompts()
    {
        var source = new FakeProfileSource();
        var progress = new List<LoraProfilerProgress>();
        new LoraProfiler(source, Fast with { Seeds = [5, 6] }).ProfileAll(
            [Lora("checker", "red hat"), Lora("smooth", "red hat"), Lora("neutral", "blue sky")], progress.Add);

        // Base images: 2 seeds × 2 distinct prompts; LoRA images: 2 seeds × 3 LoRAs.
        Assert.Equal(10, source.Renders.Count);
        Assert.Equal(4, source.Renders.Count(r => r.LoraPath is null));
        Assert.Equal(["base 5 red hat", "checker 5", "base 6 red hat", "checker 6", "smooth 5", "smooth 6",
                      "base 5 blue sky", "neutral 5", "base 6 blue sky", "neutral 6"],
            source.Renders.Select(r => r.LoraPath is null ? $"base {r.Seed} {r.Prompt}" : $"{Path.GetFileNameWithoutExtension(r.LoraPath)} {r.Seed}"));
        Assert.All(source.Renders, r => Assert.Equal((64, 2, ""), (r.Size, r.Steps, r.NegativePrompt)));

        // Progress: every image announced at step 0 and reported at each step, numbered over the run.
        var starts = progress.Where(p => p.Step == 0).ToList();
        Assert.Equal(Enumerable.Range(1, 10), starts.Select(p => p.Image));
        Assert.All(progress, p => Assert.Equal(10, p.Images));
        Assert.Equal([0, 0, 0, 0, 1, 1, 2, 2, 2, 2], starts.Select(p => p.LoraIndex));
        Assert.Equal(3 * 10, progress.Count);
        Assert.Equal(1.0, progress[^1].Fraction);
        Assert.Equal(0.05, progress[1].Fraction, 12); // image 1, step 1 of 2
    }

    [Fact]
    public void PromptTemplateTakesTheTriggerWords()
    {
        var source = new FakeProfileSource();
        var profile = new LoraProfiler(source, Fast with { PromptTemplate = "masterpiece, {trigger}", NegativePrompt = "blurry", Seeds = [1] })
            .Profile(Lora("checker", "kamado nezuko", "black hair"));
        Assert.Equal("masterpiece, kamado nezuko, black hair", profile.Prompt);
        Assert.All(source.Renders, r => Assert.Equal(("masterpiece, kamado nezuko, black hair", "blurry"), (r.Prompt, r.NegativePrompt)));
    }

    [Fact]
    public void TriggerWordsComeFromTheFileOrItsName()
    {
        string declared = _temp.File("hero.safetensors");
        using (var tensor = TorchSharp.torch.zeros(2, 2))
            Engine.Tensors.SafetensorsWriter.Write(declared, [new("lora_unet_x.lora_down.weight", tensor)],
                new Dictionary<string, string> { ["modelspec.trigger_phrase"] = "hero, red cape" });
        string bare = Path.Combine(RepoPaths.TinyReference, "weights", "lora", "lora_kohya.safetensors");

        Assert.Equal(["hero", "red cape"], LoraProfiler.TriggerWordsFor(new LoraProfileTarget(declared)));
        Assert.Equal(["lora_kohya"], LoraProfiler.TriggerWordsFor(new LoraProfileTarget(bare)));
        Assert.Equal(["given"], LoraProfiler.TriggerWordsFor(new LoraProfileTarget(bare, [" given ", ""])));
    }

    [Fact]
    public void ScoresOrderCmLoraByProfileRatherThanCategory()
    {
        var profiles = new LoraProfiler(new FakeProfileSource(), Fast).ProfileAll([Lora("smooth"), Lora("checker")]);
        // Categories say the opposite of the profiles: the smoothing LoRA is a "character", the textured one a "background".
        LoraSlot[] slots =
        [
            new("smooth", LoraCategory.Character, profiles[0].Score),
            new("checker", LoraCategory.Background, profiles[1].Score),
            new("unprofiled", LoraCategory.Background),
        ];
        var order = LoraOrdering.Order(slots, new LoraOrderingOptions { LowFrequencyThreshold = LoraProfilerOptions.DefaultLowFrequencyThreshold });
        Assert.Equal(["checker"], order.High.Select(o => o.Slot.Id));
        Assert.Equal(["smooth", "unprofiled"], order.Low.Select(o => o.Slot.Id));
        Assert.Equal([BandSource.Score, BandSource.Score, BandSource.Category], order.All.Select(o => o.Source));
    }

    [Fact]
    public void CancellationStopsBeforeTheNextImage()
    {
        using var cancel = new CancellationTokenSource();
        var source = new FakeProfileSource { CancelAfter = (3, cancel) };
        var profiler = new LoraProfiler(source, Fast);
        Assert.ThrowsAny<OperationCanceledException>(() => profiler.ProfileAll([Lora("checker"), Lora("smooth")], cancellationToken: cancel.Token));
        Assert.Equal(3, source.Renders.Count);

        var untouched = new FakeProfileSource();
        Assert.ThrowsAny<OperationCanceledException>(() => new LoraProfiler(untouched, Fast).Profile(Lora("checker"), cancellationToken: new CancellationToken(true)));
        Assert.Empty(untouched.Renders);
    }

    [Fact]
    public void BadRequestsAreRefusedWithPlainMessages()
    {
        var source = new FakeProfileSource();
        Assert.Equal("The profiling seeds must be distinct.",
            Assert.Throws<ArgumentException>(() => new LoraProfiler(source, Fast with { Seeds = [1, 1] })).Message);
        Assert.Equal("The profiling size must be a positive multiple of 8 (got 60).",
            Assert.Throws<ArgumentException>(() => new LoraProfiler(source, Fast with { Size = 60 })).Message);
        string missing = _temp.File("missing.safetensors");
        Assert.Equal($"LoRA file not found: {missing}",
            Assert.Throws<FileNotFoundException>(() => new LoraProfiler(source, Fast).Profile(new LoraProfileTarget(missing, ["x"]))).Message);
        Assert.Equal("LoRA 'checker' is listed twice.",
            Assert.Throws<ArgumentException>(() => new LoraProfiler(source, Fast).ProfileAll([Lora("checker"), Lora("checker")])).Message);
        // Refused before anything is rendered: round(0.9·64) = 58 is beyond the corner radius 45.
        Assert.Equal("The high-frequency band is empty at 64×64: the cut-off radius 58 exceeds the largest radius 45. " +
                     "Profile at a larger size or lower the cut-off fraction.",
            Assert.Throws<ArgumentException>(() => new LoraProfiler(source, Fast with { CutoffFraction = 0.9 }).Profile(Lora("checker"))).Message);
        Assert.Empty(source.Renders);
    }

    [Fact]
    public void ChartDrawsThreeCurvesPerLoraAsValidSvg()
    {
        var profiles = new LoraProfiler(new FakeProfileSource(), Fast).ProfileAll([Lora("checker"), Lora("smooth")]);
        string svg = SpectrumChartSvg.Render([("checker <a&b>", profiles[0]), ("smooth", profiles[1])]);
        var document = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var lines = document.Descendants(ns + "polyline").ToList();
        Assert.Equal(6, lines.Count);
        Assert.All(lines, l => Assert.Equal(46, l.Attribute("points")!.Value.Split(' ').Length));
        Assert.Contains(document.Descendants(ns + "text"), t => t.Value == "checker <a&b>");
        Assert.Contains(document.Descendants(ns + "text"), t => t.Value.StartsWith("ΔH = −", StringComparison.Ordinal) && t.Value.EndsWith("(Low)"));
        Assert.Throws<ArgumentException>(() => SpectrumChartSvg.Render([]));
    }
}

using System.Text.Json.Nodes;
using CMLoRA.Engine.Profiling;
using CMLoRA.Engine.Tests.Support;

namespace CMLoRA.Engine.Tests.Profiling;

public sealed class LoraProfileStorageTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private (string LoraPath, LoraProfile Profile) Profiled(string name)
    {
        string path = _temp.File(name + ".safetensors");
        File.WriteAllText(path, "stand-in for " + name);
        var profile = new LoraProfiler(new FakeProfileSource(), new LoraProfilerOptions { Steps = 1, Seeds = [3, 4] })
            .Profile(new LoraProfileTarget(path, [name]));
        return (path, profile);
    }

    [Fact]
    public void JsonRoundTripIsExact()
    {
        var (_, profile) = Profiled("checker");
        string json = LoraProfileJson.Serialize(profile);
        var back = LoraProfileJson.Deserialize(json);

        Assert.Equal(json, LoraProfileJson.Serialize(back));
        Assert.Equal(profile.Score, back.Score);
        Assert.Equal(profile.PerSeedScores, back.PerSeedScores);
        Assert.Equal(profile.Spectrum.Relative, back.Spectrum.Relative);
        Assert.Equal(profile.BaseSpectrum.Amplitude, back.BaseSpectrum.Amplitude);
        Assert.Equal(profile.Spectrum.CutoffRadius, back.Spectrum.CutoffRadius);
        Assert.Equal(profile.CreatedAt, back.CreatedAt);
        Assert.Equal(profile with { PerSeedScores = [], Seeds = [], Spectrum = null!, BaseSpectrum = null! },
            back with { PerSeedScores = [], Seeds = [], Spectrum = null!, BaseSpectrum = null! });
    }

    [Fact]
    public void JsonUsesTheDocumentedFieldNames()
    {
        var (_, profile) = Profiled("smooth");
        var node = JsonNode.Parse(LoraProfileJson.Serialize(profile))!.AsObject();
        Assert.Equal(
            ["formatVersion", "loraFileName", "loraFileLength", "loraSha256", "model", "score", "group", "lowFrequencyThreshold",
             "loraHighFrequency", "baseHighFrequency", "perSeedScores", "seeds", "prompt", "negativePrompt", "steps", "size",
             "guidanceScale", "sampler", "cutoffFraction", "spectrum", "baseSpectrum", "createdAt"],
            node.Select(p => p.Key));
        Assert.Equal(1, (int)node["formatVersion"]!);
        Assert.Equal("Low", (string)node["group"]!);
        Assert.Equal(["amplitude", "relative", "cutoffRadius", "highFrequencyScore", "height", "width", "maxRadius"],
            node["spectrum"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void UnreadableProfilesAreRefusedWithTheReason()
    {
        var (_, profile) = Profiled("checker");
        var node = JsonNode.Parse(LoraProfileJson.Serialize(profile))!;
        node["formatVersion"] = 2;
        Assert.Equal("Unsupported LoRA profile format version 2 (this build reads version 1).",
            Assert.Throws<InvalidDataException>(() => LoraProfileJson.Deserialize(node.ToJsonString())).Message);
        node["formatVersion"] = 1;
        node.AsObject().Remove("score");
        Assert.StartsWith("Not a LoRA profile: ", Assert.Throws<InvalidDataException>(() => LoraProfileJson.Deserialize(node.ToJsonString())).Message);
        Assert.StartsWith("Not a LoRA profile: ", Assert.Throws<InvalidDataException>(() => LoraProfileJson.Deserialize("{ nope")).Message);
        Assert.Equal("Not a LoRA profile: the JSON is null.", Assert.Throws<InvalidDataException>(() => LoraProfileJson.Deserialize("null")).Message);
    }

    [Fact]
    public void SidecarSitsNextToTheLoraWithItsExtensionReplaced()
    {
        Assert.Equal(Path.Combine("loras", "hero.v2.profile.json"), LoraProfileSidecar.PathFor(Path.Combine("loras", "hero.v2.safetensors")));
        var (path, profile) = Profiled("checker");
        string written = LoraProfileSidecar.Write(path, profile);
        Assert.Equal(_temp.File("checker.profile.json"), written);
        Assert.False(File.Exists(written + ".tmp"));

        var read = LoraProfileSidecar.TryRead(path, out string? problem);
        Assert.Null(problem);
        Assert.Equal(profile.Score, read!.Score);
    }

    [Fact]
    public void MissingStaleOrCorruptSidecarsAreIgnoredWithAReason()
    {
        var (path, profile) = Profiled("checker");
        Assert.Null(LoraProfileSidecar.TryRead(path, out string? none));
        Assert.Null(none);

        LoraProfileSidecar.Write(path, profile);
        File.AppendAllText(path, "retrained");
        Assert.Null(LoraProfileSidecar.TryRead(path, out string? stale));
        Assert.Equal($"checker.profile.json is stale: it profiles a file of {profile.LoraFileLength} bytes, the LoRA has {profile.LoraFileLength + 9}.", stale);

        File.WriteAllText(LoraProfileSidecar.PathFor(path), "{}");
        Assert.Null(LoraProfileSidecar.TryRead(path, out string? corrupt));
        Assert.StartsWith("checker.profile.json cannot be used: Not a LoRA profile: ", corrupt);
    }
}

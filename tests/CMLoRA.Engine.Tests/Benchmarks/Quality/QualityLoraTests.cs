using CMLoRA.Engine.Benchmarks.Quality;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Benchmarks.Quality;

public class QualityLoraTests
{
    [Fact]
    public void DiscoveryMatchesFileNamesOrTriggerMetadataAndIgnoresOtherFiles()
    {
        using var temp = new TempDirectory();
        Write(temp.File("nimbrae.safetensors"));
        Write(temp.File("Boovik.safetensors"));
        Write(temp.File("my-crown-v2.safetensors"), trigger: "kronvel");
        Write(temp.File("unrelated.safetensors"));
        File.WriteAllText(temp.File("zorbly.txt"), "not a LoRA");

        var found = QualityLora.Discover(temp.Path);

        Assert.Equal(new[] { "boovik", "kronvel", "nimbrae" }, found.Select(l => l.Concept.Trigger));
        Assert.Equal(temp.File("my-crown-v2.safetensors"), found[1].Path);
    }

    [Fact]
    public void TwoFilesForOneConceptAreRefused()
    {
        using var temp = new TempDirectory();
        Write(temp.File("boovik.safetensors"));
        Write(temp.File("ghost.safetensors"));
        var error = Assert.Throws<ArgumentException>(() => QualityLora.Discover(temp.Path));
        Assert.Equal("Two LoRAs teach boovik: boovik.safetensors and ghost.safetensors.", error.Message);
    }

    private static void Write(string path, string? trigger = null)
    {
        using var value = zeros(1);
        var metadata = new Dictionary<string, string>();
        if (trigger is not null) metadata["modelspec.trigger_phrase"] = trigger;
        SafetensorsWriter.Write(path, [new KeyValuePair<string, Tensor>("x", value)], metadata);
    }
}

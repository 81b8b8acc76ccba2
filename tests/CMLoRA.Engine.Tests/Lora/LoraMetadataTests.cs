using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Tests.Support;
using static CMLoRA.Engine.Tests.Lora.LoraTestFiles;

namespace CMLoRA.Engine.Tests.Lora;

/// <summary>Metadata parsing: kohya fields, tag frequency, trigger words, model spec and base-model hints.</summary>
public class LoraMetadataTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void KohyaFieldsAndMergedTagFrequencyBecomeTriggerWords()
    {
        var metadata = LoraMetadataReader.Read(new Dictionary<string, string>
        {
            ["ss_output_name"] = "inkwash_v2",
            ["ss_base_model_version"] = "sd_v1",
            ["ss_network_module"] = "networks.lora",
            ["ss_network_dim"] = "16",
            ["ss_network_alpha"] = "8",
            ["ss_num_train_images"] = "120",
            ["ss_epoch"] = "10",
            ["ss_steps"] = "1200",
            ["ss_training_finished_at"] = "1700000000.5",
            ["ss_dataset_dirs"] = """{"10_inkwash": {"n_repeats": 10, "img_count": 12}, "5_extra": {"n_repeats": 5, "img_count": 3}}""",
            ["ss_tag_frequency"] = """{"10_inkwash": {"inkwash": 12, " 1girl": 7, "mountain": 4}, "5_extra": {"1girl": 3, "river": 4, "inkwash": 3}}""",
            ["sshs_model_hash"] = "ABCDEF",
            ["modelspec.architecture"] = "stable-diffusion-v1/lora",
            ["modelspec.title"] = "Ink Wash",
            ["modelspec.trigger_phrase"] = "ink wash painting, Inkwash",
            ["ssmd_author"] = "someone",
        });

        Assert.Equal("inkwash_v2", metadata.OutputName);
        Assert.Equal("sd_v1", metadata.BaseModelVersion);
        Assert.Equal("16", metadata.NetworkDim);
        Assert.Equal(120, metadata.TrainImages);
        Assert.Equal(15, metadata.DatasetSize);
        Assert.Equal(10, metadata.Epochs);
        Assert.Equal(1200, metadata.Steps);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000500), metadata.TrainingFinishedAt);
        Assert.Equal("abcdef", metadata.SshsModelHash);
        Assert.Equal("stable-diffusion-v1/lora", metadata.ModelSpec["architecture"]);
        Assert.Equal("Ink Wash", metadata.Title);
        Assert.Equal("someone", metadata.Author);
        Assert.Equal([new TagCount("inkwash", 15), new TagCount("1girl", 10), new TagCount("mountain", 4), new TagCount("river", 4)], metadata.TagFrequency);
        Assert.Equal(["ink wash painting", "Inkwash"], metadata.DeclaredTriggerWords);
        // Declared words first, then the output name, then the top tags; "inkwash" duplicates "Inkwash".
        Assert.Equal(["ink wash painting", "Inkwash", "inkwash_v2", "1girl", "mountain", "river"], metadata.SuggestedTriggerWords);
        Assert.Empty(metadata.Warnings);
    }

    [Fact]
    public void SentenceCaptionsAreCountedAsWords()
    {
        var metadata = LoraMetadataReader.Read(new Dictionary<string, string>
        {
            ["ss_tag_frequency"] = """{"img": {"a photo of zxq cat sitting on a mat": 2, "a photo of zxq cat in the snow": 3}}""",
        });
        Assert.Equal(new TagCount("cat", 5), metadata.TagFrequency[0]);
        Assert.Contains(new TagCount("zxq", 5), metadata.TagFrequency);
        Assert.Contains(new TagCount("snow", 3), metadata.TagFrequency);
        Assert.DoesNotContain(metadata.TagFrequency, t => t.Tag is "a" or "of" or "on");
    }

    [Fact]
    public void BrokenJsonFieldsBecomeWarnings()
    {
        var metadata = LoraMetadataReader.Read(new Dictionary<string, string>
        {
            ["ss_tag_frequency"] = "{not json",
            ["ss_epoch"] = "ten",
        });
        Assert.Empty(metadata.TagFrequency);
        Assert.Null(metadata.Epochs);
        Assert.Equal(2, metadata.Warnings.Count);
        Assert.Contains("ss_epoch is not an integer: 'ten'", metadata.Warnings);
        Assert.StartsWith("ss_tag_frequency is not valid JSON", metadata.Warnings.First(w => w.StartsWith("ss_tag", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("ss_base_model_version", "sdxl_base_v1-0", BaseModelFamily.SDXL)]
    [InlineData("ss_base_model_version", "sd_v2_v", BaseModelFamily.SD2)]
    [InlineData("ss_base_model_version", "sd_v1", BaseModelFamily.SD1)]
    [InlineData("ss_base_model_version", "flux1", BaseModelFamily.Other)]
    [InlineData("modelspec.architecture", "stable-diffusion-v2-768-v/lora", BaseModelFamily.SD2)]
    [InlineData("modelspec.architecture", "stable-diffusion-xl-v1-base/lora", BaseModelFamily.SDXL)]
    [InlineData("modelspec.architecture", "flux-1-dev/lora", BaseModelFamily.Other)]
    [InlineData("ss_v2", "True", BaseModelFamily.SD2)]
    public void MetadataNamesTheBaseModel(string key, string value, BaseModelFamily expected)
    {
        var evidence = new List<string>();
        Assert.Equal(expected, BaseModelDetector.FromMetadata(new Dictionary<string, string> { [key] = value }, evidence));
        Assert.Equal($"{key} is '{value}'", Assert.Single(evidence));
    }

    [Fact]
    public void InspectionOfTheTinyReferenceLoraSummarisesIt()
    {
        string path = Path.Combine(RepoPaths.TinyReference, "weights", "lora", "lora_kohya.safetensors");
        var inspection = LoraInspector.Inspect(path);
        Assert.Equal("lora_kohya", inspection.Name);
        Assert.Equal(LoraNaming.Kohya, inspection.Naming);
        Assert.Equal(LoraNetworkType.LoRA, inspection.NetworkType);
        Assert.Equal((144, 132, 12), (inspection.ModuleCount, inspection.UnetModules, inspection.TextEncoderModules));
        Assert.Equal(4, inspection.Rank);
        Assert.Equal(2.0, inspection.Alpha);
        Assert.Equal(new Dictionary<int, int> { [4] = 144 }, inspection.RankHistogram);
        Assert.Equal(inspection.ModuleCount, inspection.LinearModules + inspection.ConvModules);
        Assert.Equal(LoraHashes.Compute(path), inspection.Hashes);
        Assert.Null(inspection.StoredHashMatches);
        Assert.Equal("networks.lora", inspection.Metadata.NetworkModule);
        Assert.Equal(144, inspection.Modules.Count);
    }

    [Fact]
    public void InspectionShortensHugeMetadataValues()
    {
        string path = Write(_temp, "thumb.safetensors",
        [
            ("lora_te_text_model_encoder_layers_0_mlp_fc1.lora_down.weight", Random(1, 2, 8)),
            ("lora_te_text_model_encoder_layers_0_mlp_fc1.lora_up.weight", Random(2, 8, 2)),
        ], new Dictionary<string, string> { ["modelspec.thumbnail"] = "data:image/png;base64," + new string('A', 5000) });
        var inspection = LoraInspector.Inspect(path);
        string shown = inspection.Metadata.Raw["modelspec.thumbnail"];
        Assert.EndsWith("… (5022 characters)", shown);
        Assert.True(shown.Length < 300);
    }
}

using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;

namespace CMLoRA.Engine.Tests.Loading;

public class DiffusersFolderTests
{
    private static string Tiny => Path.Combine(RepoPaths.TinyReference, "weights", "diffusers");

    /// <summary>A copy of the tiny folder's model_index.json and text encoder config, without weights.</summary>
    private static string Skeleton(TempDirectory temp)
    {
        File.Copy(Path.Combine(Tiny, "model_index.json"), temp.File("model_index.json"));
        Directory.CreateDirectory(temp.File("text_encoder"));
        File.Copy(Path.Combine(Tiny, "text_encoder", "config.json"), Path.Combine(temp.File("text_encoder"), "config.json"));
        return temp.Path;
    }

    [Fact]
    public void ModelIndexComponentsAreRead()
    {
        var folder = DiffusersFolder.Open(Tiny);
        Assert.Equal(
            ["scheduler", "text_encoder", "unet", "vae"],
            folder.Components.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new DiffusersComponentInfo("text_encoder", "transformers", "CLIPTextModel"), folder.Components["text_encoder"]);
        Assert.False(folder.HasComponent("tokenizer")); // declared as [null, null] in the fixture
        Assert.Equal(Path.Combine(Tiny, "unet", "diffusion_pytorch_model.safetensors"), folder.WeightsPath("unet"));
        Assert.Equal(Path.Combine(Tiny, "text_encoder", "model.safetensors"), folder.WeightsPath("text_encoder"));
        Assert.Equal(Path.Combine(Tiny, "scheduler", "scheduler_config.json"), folder.ComponentConfigPath("scheduler"));
    }

    [Fact]
    public void UndeclaredAndMissingComponentsAreNamed()
    {
        using var temp = new TempDirectory();
        var folder = DiffusersFolder.Open(Skeleton(temp));
        Assert.Equal(
            $"'{temp.File("model_index.json")}' does not declare the component 'tokenizer'",
            Assert.Throws<CheckpointLoadException>(() => folder.ComponentPath("tokenizer")).Message);
        Assert.Equal(
            $"component 'vae' is declared in model_index.json but its folder '{temp.File("vae")}' is missing",
            Assert.Throws<CheckpointLoadException>(() => folder.WeightsPath("vae")).Message);
    }

    [Fact]
    public void PickleWeightsAreRefusedWithTheExplanation()
    {
        using var temp = new TempDirectory();
        Skeleton(temp);
        string bin = Path.Combine(temp.File("text_encoder"), "pytorch_model.bin");
        File.WriteAllBytes(bin, [(byte)'P', (byte)'K', 3, 4]);
        var error = Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.LoadTextEncoder(temp.Path));
        Assert.Equal($"'{bin}': {PickleDetector.Explanation}", error.Message);
    }

    [Fact]
    public void MissingAndShardedWeightsAreNamed()
    {
        using var temp = new TempDirectory();
        var folder = DiffusersFolder.Open(Skeleton(temp));
        string dir = temp.File("text_encoder");
        Assert.Equal(
            $"no weights in '{dir}': expected diffusion_pytorch_model.safetensors or model.safetensors",
            Assert.Throws<CheckpointLoadException>(() => folder.WeightsPath("text_encoder")).Message);
        string index = Path.Combine(dir, "model.safetensors.index.json");
        File.WriteAllText(index, "{}");
        Assert.Equal(
            $"'{index}': sharded weights are not supported; save the component as one .safetensors file",
            Assert.Throws<CheckpointLoadException>(() => folder.WeightsPath("text_encoder")).Message);
    }

    [Fact]
    public void VariantWeightsAreFound()
    {
        using var temp = new TempDirectory();
        Skeleton(temp);
        string fp16 = Path.Combine(temp.File("text_encoder"), "model.fp16.safetensors");
        File.Copy(Path.Combine(Tiny, "text_encoder", "model.safetensors"), fp16);
        Assert.Equal(fp16, DiffusersFolder.Open(temp.Path).WeightsPath("text_encoder", "fp16"));
        using var model = StableDiffusionCheckpoint.LoadTextEncoder(temp.Path, new StableDiffusionLoadOptions { Variant = "fp16" });
        Assert.Equal(32, model.Config.HiddenSize);
    }
}

using System.Text.Json.Nodes;
using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Models.Clip;
using CMLoRA.Engine.Tests.Support;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Loading;

/// <summary>
/// Whole-checkpoint loading on the tiny fixture. The UNet and VAE factories build <see cref="StateDictTreeModule"/>s
/// with the diffusers key sets, so every tensor of both layouts goes through the real loader.
/// </summary>
public class StableDiffusionCheckpointTests
{
    private static string Folder => Path.Combine(RepoPaths.TinyReference, "weights", "diffusers");
    private static string SingleFile => Path.Combine(RepoPaths.TinyReference, "weights", "ldm", "model.safetensors");
    private static string UnetWeights => Path.Combine(Folder, "unet", "diffusion_pytorch_model.safetensors");
    private static string VaeWeights => Path.Combine(Folder, "vae", "diffusion_pytorch_model.safetensors");
    private static string TextEncoderWeights => Path.Combine(Folder, "text_encoder", "model.safetensors");

    private static ClipTextConfig TinyTextConfig => ClipTextConfig.FromFile(Path.Combine(Folder, "text_encoder", "config.json"));

    private static StableDiffusionLoadOptions Options(List<JsonObject?> unetConfigs, List<JsonObject?> vaeConfigs) => new()
    {
        TextEncoderConfig = TinyTextConfig,
        UnetFactory = config => { unetConfigs.Add(config); return StateDictTreeModule.FromFile(UnetWeights); },
        VaeFactory = config => { vaeConfigs.Add(config); return StateDictTreeModule.FromFile(VaeWeights); },
    };

    /// <summary>Every state-dict tensor of <paramref name="module"/> equals the same-named tensor of <paramref name="path"/>, times <paramref name="scale"/>.</summary>
    private static void AssertEqualsFile(nn.Module module, string path, float scale = 1)
    {
        using var file = SafetensorsFile.Open(path);
        var state = module.state_dict();
        Assert.Equal(file.Entries.Count, state.Count);
        foreach (var (key, value) in state)
        {
            using var stored = file.ReadTensor(key);
            using var expected = stored.mul(scale);
            Assert.True(TensorComparison.BitEqual(expected, value), key);
        }
    }

    [Fact]
    public void SingleFileLoadsEveryComponentEqualToTheDiffusersFiles()
    {
        List<JsonObject?> unetConfigs = [], vaeConfigs = [];
        using var models = StableDiffusionCheckpoint.Load(SingleFile, Options(unetConfigs, vaeConfigs));

        Assert.Equal(CheckpointLayout.SingleFile, models.Layout);
        AssertEqualsFile(models.Unet!, UnetWeights);
        AssertEqualsFile(models.Vae!, VaeWeights);
        AssertEqualsFile(models.TextEncoder, TextEncoderWeights);
        Assert.Equal([null], unetConfigs);
        Assert.Equal([null], vaeConfigs);
        Assert.Null(models.SchedulerConfig);
        Assert.Empty(models.IgnoredKeys);
        Assert.Empty(models.UnknownKeys);
    }

    [Fact]
    public void DiffusersFolderLoadsEveryComponentWithItsConfigs()
    {
        List<JsonObject?> unetConfigs = [], vaeConfigs = [];
        using var models = StableDiffusionCheckpoint.Load(Folder, Options(unetConfigs, vaeConfigs) with { TextEncoderConfig = null });

        Assert.Equal(CheckpointLayout.DiffusersFolder, models.Layout);
        AssertEqualsFile(models.Unet!, UnetWeights);
        AssertEqualsFile(models.Vae!, VaeWeights);
        AssertEqualsFile(models.TextEncoder, TextEncoderWeights);
        Assert.Equal(TinyTextConfig, models.TextEncoder.Config);
        Assert.Equal("[32,64,64]", unetConfigs.Single()!["block_out_channels"]!.ToJsonString());
        Assert.Equal(0.18215, vaeConfigs.Single()!["scaling_factor"]!.GetValue<double>());
        Assert.Equal("DPMSolverMultistepScheduler", models.SchedulerConfig!["_class_name"]!.GetValue<string>());
        Assert.Equal("-Infinity", models.SchedulerConfig["lambda_min_clipped"]!.GetValue<string>());
    }

    [Fact]
    public void WithoutFactoriesOnlyTheTextEncoderIsBuilt()
    {
        using var models = StableDiffusionCheckpoint.Load(Folder, new StableDiffusionLoadOptions { UnetFactory = null, VaeFactory = null });
        Assert.Null(models.Unet);
        Assert.Null(models.Vae);
        AssertEqualsFile(models.TextEncoder, TextEncoderWeights);
    }

    [Fact]
    public void DefaultFactoriesBuildOurModelsFromTheFolderConfigs()
    {
        using var models = StableDiffusionCheckpoint.Load(Folder);
        Assert.Equal(new[] { 32, 64, 64 }, models.RequireUnet().Config.BlockOutChannels.ToArray());
        Assert.Equal(4, models.RequireVae().Config.BlockOutChannels.Count);
        AssertEqualsFile(models.RequireUnet(), UnetWeights);
        AssertEqualsFile(models.RequireVae(), VaeWeights);
    }

    [Fact]
    public void RealWorldExtrasAreIgnoredAndUnknownKeysReported()
    {
        using var temp = new TempDirectory();
        string path = temp.File("with-extras.safetensors");
        using (var source = SafetensorsFile.Open(SingleFile))
        {
            var tensors = source.Entries.Select(e => KeyValuePair.Create(e.Name, source.ReadTensor(e.Name))).ToList();
            tensors.Add(KeyValuePair.Create("cond_stage_model.transformer.text_model.embeddings.position_ids", arange(77L).unsqueeze(0)));
            tensors.Add(KeyValuePair.Create("betas", linspace(0.00085, 0.012, 1000)));
            tensors.Add(KeyValuePair.Create("alphas_cumprod", ones(1000)));
            tensors.Add(KeyValuePair.Create("model_ema.decay", tensor(0.9999f)));
            tensors.Add(KeyValuePair.Create("model_ema.num_updates", tensor(10)));
            tensors.Add(KeyValuePair.Create("model_ema.diffusion_modelconv_inweight", ones(2)));
            tensors.Add(KeyValuePair.Create("mystery.tensor", ones(1)));
            SafetensorsWriter.Write(path, tensors);
            foreach (var t in tensors) t.Value.Dispose();
        }

        using var models = StableDiffusionCheckpoint.Load(path, Options([], []));

        AssertEqualsFile(models.Unet!, UnetWeights);
        AssertEqualsFile(models.TextEncoder, TextEncoderWeights);
        Assert.Equal(
            ["alphas_cumprod", "betas", "cond_stage_model.transformer.text_model.embeddings.position_ids",
             "model_ema.decay", "model_ema.diffusion_modelconv_inweight", "model_ema.num_updates"],
            models.IgnoredKeys.Order(StringComparer.Ordinal));
        Assert.Equal(["mystery.tensor"], models.UnknownKeys);
    }

    [Fact]
    public void LdmVaeFileReplacesTheCheckpointVae()
    {
        // A stand-alone VAE in LDM naming without the prefix, like vae-ft-mse-840000-ema-pruned; values doubled so
        // that loading the checkpoint's own VAE would fail the comparison.
        using var temp = new TempDirectory();
        string vaePath = temp.File("vae-override.safetensors");
        using (var source = SafetensorsFile.Open(SingleFile))
        {
            var tensors = source.Entries
                .Where(e => e.Name.StartsWith(LdmKeyMapper.VaePrefix, StringComparison.Ordinal))
                .Select(e => KeyValuePair.Create(e.Name[LdmKeyMapper.VaePrefix.Length..], source.ReadTensor(e.Name).mul(2)))
                .Append(KeyValuePair.Create("model_ema.decay", tensor(0.9999f)))
                .ToList();
            SafetensorsWriter.Write(vaePath, tensors);
            foreach (var t in tensors) t.Value.Dispose();
        }
        List<JsonObject?> vaeConfigs = [];

        using var models = StableDiffusionCheckpoint.Load(SingleFile, Options([], vaeConfigs) with { VaeOverridePath = vaePath });

        AssertEqualsFile(models.Vae!, VaeWeights, scale: 2);
        Assert.Equal([null], vaeConfigs);
        Assert.Equal(["model_ema.decay"], models.IgnoredKeys);
    }

    [Fact]
    public void DiffusersVaeFolderWithDeprecatedAttentionNamesReplacesTheCheckpointVae()
    {
        // diffusers < 0.15 named the VAE mid-block attention query/key/value/proj_attn (sd-vae-ft-mse still does).
        using var temp = new TempDirectory();
        string folder = temp.File("sd-vae-ft-mse");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Folder, "vae", "config.json"), Path.Combine(folder, "config.json"));
        using (var source = SafetensorsFile.Open(VaeWeights))
        {
            var tensors = source.Entries
                .Select(e => KeyValuePair.Create(
                    e.Name.Replace(".to_q.", ".query.").Replace(".to_k.", ".key.").Replace(".to_v.", ".value.").Replace(".to_out.0.", ".proj_attn."),
                    source.ReadTensor(e.Name).mul(3)))
                .ToList();
            Assert.Equal(8, tensors.Count(t => t.Key.Contains(".query.") || t.Key.Contains(".proj_attn.")));
            SafetensorsWriter.Write(Path.Combine(folder, "diffusion_pytorch_model.safetensors"), tensors);
            foreach (var t in tensors) t.Value.Dispose();
        }
        List<JsonObject?> vaeConfigs = [];

        using var models = StableDiffusionCheckpoint.Load(Folder, Options([], vaeConfigs) with { VaeOverridePath = folder });

        AssertEqualsFile(models.Vae!, VaeWeights, scale: 3);
        Assert.Equal(4, vaeConfigs.Single()!["latent_channels"]!.GetValue<int>());
    }

    [Fact]
    public void MissingOrPickleVaeOverrideIsNamed()
    {
        using var temp = new TempDirectory();
        string missing = temp.File("no-vae.safetensors"), pickle = temp.File("vae.pt");
        File.WriteAllBytes(pickle, [(byte)'P', (byte)'K', 3, 4]);
        Assert.Equal(
            $"VAE override not found: '{missing}'",
            Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(SingleFile, Options([], []) with { VaeOverridePath = missing })).Message);
        Assert.Equal(
            $"'{pickle}': {PickleDetector.Explanation}",
            Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(SingleFile, Options([], []) with { VaeOverridePath = pickle })).Message);
    }

    [Fact]
    public void SingleFileWithoutAComponentSaysWhichPrefixIsMissing()
    {
        using var temp = new TempDirectory();
        string path = temp.File("unet-only.safetensors");
        using (var source = SafetensorsFile.Open(SingleFile))
        {
            var tensors = source.Entries
                .Where(e => !e.Name.StartsWith(LdmKeyMapper.VaePrefix, StringComparison.Ordinal))
                .Select(e => KeyValuePair.Create(e.Name, source.ReadTensor(e.Name)))
                .ToList();
            SafetensorsWriter.Write(path, tensors);
            foreach (var t in tensors) t.Value.Dispose();
        }
        var error = Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(path, Options([], [])));
        Assert.Equal(
            $"'{path}' has no first_stage_model.* tensors, so it holds no Vae weights; give a separate VAE file (VAE override)",
            error.Message);
    }

    [Fact]
    public void TextEncoderConfigThatDoesNotFitTheFileIsRefused()
    {
        // The single file carries no config; the SD 1.5 default does not fit the tiny weights.
        var error = Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.LoadTextEncoder(SingleFile));
        Assert.StartsWith($"text_encoder: the weights in '{SingleFile}' do not fit the model.", error.Message);
        Assert.Contains("shape mismatches: cond_stage_model.transformer.text_model.embeddings.position_embedding.weight is [77,32] but text_model.embeddings.position_embedding.weight needs [77,768]", error.Message);
    }

    [Fact]
    public void Sd2CheckpointsAreRefusedByName()
    {
        using var temp = new TempDirectory();
        string path = temp.File("sd2.safetensors");
        using (var value = ones(2))
            SafetensorsWriter.Write(path, [KeyValuePair.Create("cond_stage_model.model.token_embedding.weight", value)]);
        Assert.Equal(
            $"'{path}' is an SD 2.x (OpenCLIP text encoder) checkpoint; only SD 1.x checkpoints are supported",
            Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(path)).Message);
    }
}

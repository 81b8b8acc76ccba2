using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Models.Clip;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Loading;

/// <summary>
/// A single file whose metadata carries its configs, scheduler and tokenizer (<see cref="SingleFileMetadata"/>) loads
/// with them and the default factories; every bad key is refused with a message naming it. The tiny fixture's weights
/// do not fit SD 1.5, so a file that loads at all has used its metadata.
/// </summary>
public sealed class SingleFileMetadataTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly Dictionary<string, string> _full;

    public SingleFileMetadataTests()
    {
        _full = TinySingleFile.FullMetadata(TinyModelFolder.Create(_temp.Path));
    }

    public void Dispose() => _temp.Dispose();

    private string Write(Dictionary<string, string> metadata) => TinySingleFile.Write(_temp.File("tiny.safetensors"), metadata);

    private static void AssertSameWeights(nn.Module a, nn.Module b)
    {
        var expected = b.state_dict();
        Assert.Equal(expected.Count, a.state_dict().Count);
        foreach (var (name, tensor) in a.state_dict())
            Assert.True(TensorComparison.BitEqual(tensor, expected[name]), name);
    }

    [Fact]
    public void ASingleFileLoadsWithTheConfigsSchedulerAndTokenizerOfItsMetadata()
    {
        string path = Write(_full);

        using var fromFile = StableDiffusionCheckpoint.Load(path);
        using var fromFolder = StableDiffusionCheckpoint.Load(TinySingleFile.DiffusersFolder);

        Assert.Equal(CheckpointLayout.SingleFile, fromFile.Layout);
        Assert.Equal([32, 64, 64], fromFile.RequireUnet().Config.BlockOutChannels);
        Assert.Equal(fromFolder.RequireVae().Config, fromFile.RequireVae().Config);
        Assert.Equal(fromFolder.TextEncoder.Config, fromFile.TextEncoder.Config);
        AssertSameWeights(fromFile.RequireUnet(), fromFolder.RequireUnet());
        AssertSameWeights(fromFile.RequireVae(), fromFolder.RequireVae());
        AssertSameWeights(fromFile.TextEncoder, fromFolder.TextEncoder);
        Assert.Equal("DPMSolverMultistepScheduler", fromFile.SchedulerConfig!["_class_name"]!.GetValue<string>());
        Assert.Equal((1000, 998, 999), (fromFile.Tokenizer!.VocabularySize, fromFile.Tokenizer.BosId, fromFile.Tokenizer.EosId));
        Assert.Empty(fromFile.UnknownKeys);
    }

    [Fact]
    public void TheTextEncoderAloneAlsoUsesTheMetadataConfig()
    {
        using var encoder = StableDiffusionCheckpoint.LoadTextEncoder(Write(_full));
        Assert.Equal((1000, 32, 2), (encoder.Config.VocabSize, encoder.Config.HiddenSize, encoder.Config.NumHiddenLayers));
    }

    [Fact]
    public void AConfigGivenInTheOptionsWinsOverTheMetadata()
    {
        string path = Write(_full.With(SingleFileMetadata.TextEncoderConfigKey, null).With(SingleFileMetadata.TokenizerVocabKey, null)
            .With(SingleFileMetadata.TokenizerMergesKey, null));
        var config = ClipTextConfig.FromFile(Path.Combine(TinySingleFile.DiffusersFolder, "text_encoder", "config.json"));
        using var models = StableDiffusionCheckpoint.Load(path, new StableDiffusionLoadOptions { TextEncoderConfig = config });
        Assert.Equal(config, models.TextEncoder.Config);
        Assert.Null(models.Tokenizer);
    }

    [Theory]
    [InlineData(SingleFileMetadata.UnetConfigKey)]
    [InlineData(SingleFileMetadata.VaeConfigKey)]
    [InlineData(SingleFileMetadata.TextEncoderConfigKey)]
    [InlineData(SingleFileMetadata.SchedulerConfigKey)]
    public void AConfigThatIsNotJsonIsRefusedNamingItsKey(string key)
    {
        string path = Write(_full.With(key, "{\"block_out_channels\": [32, 64,"));
        var error = Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(path).Dispose());
        Assert.StartsWith($"'{path}': metadata '{key}' is not a JSON object: ", error.Message);

        string array = Write(_full.With(key, "[1, 2]"));
        Assert.Equal($"'{array}': metadata '{key}' is not a JSON object: expected a JSON object",
            Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(array).Dispose()).Message);
    }

    [Fact]
    public void AConfigWithAnUnreadableFieldIsRefusedNamingKeyAndField()
    {
        string unet = _full[SingleFileMetadata.UnetConfigKey].Replace("\"norm_num_groups\": 8", "\"norm_num_groups\": \"eight\"");
        string path = Write(_full.With(SingleFileMetadata.UnetConfigKey, unet));
        var error = Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(path).Dispose());
        Assert.StartsWith(
            $"'{path}': metadata 'cmlora.unet_config' is not a valid UNet config: unet config: field norm_num_groups could not be read",
            error.Message);

        string scheduler = _full[SingleFileMetadata.SchedulerConfigKey].Replace("\"scaled_linear\"", "\"cosine\"");
        string other = Write(_full.With(SingleFileMetadata.SchedulerConfigKey, scheduler));
        Assert.Equal(
            $"'{other}': metadata 'cmlora.scheduler_config' is not a valid scheduler config: beta_schedule 'cosine' is not supported: use linear or scaled_linear.",
            Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(other).Dispose()).Message);
    }

    [Fact]
    public void AUnetConfigThatDoesNotFitTheTensorsIsRefusedNamingItsKey()
    {
        string unet = _full[SingleFileMetadata.UnetConfigKey].Replace("\"cross_attention_dim\": 32", "\"cross_attention_dim\": 48");
        string path = Write(_full.With(SingleFileMetadata.UnetConfigKey, unet));
        var error = Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(path).Dispose());
        Assert.StartsWith(
            $"'{path}': the config in metadata 'cmlora.unet_config' does not fit the stored tensors: unet: the weights in '{path}' do not fit the model.",
            error.Message);
        Assert.Contains("model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight is [32,32] but down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight needs [32,48]", error.Message);
    }

    [Fact]
    public void VaeAndTextEncoderConfigsThatDoNotFitAreRefusedNamingTheirKeys()
    {
        string vae = _full[SingleFileMetadata.VaeConfigKey].Replace("\"latent_channels\": 4", "\"latent_channels\": 8");
        string vaePath = Write(_full.With(SingleFileMetadata.VaeConfigKey, vae));
        Assert.StartsWith($"'{vaePath}': the config in metadata 'cmlora.vae_config' does not fit the stored tensors: vae: ",
            Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(vaePath).Dispose()).Message);

        string text = _full[SingleFileMetadata.TextEncoderConfigKey].Replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3");
        string textPath = Write(_full.With(SingleFileMetadata.TextEncoderConfigKey, text));
        var error = Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(textPath).Dispose());
        Assert.StartsWith($"'{textPath}': the config in metadata 'cmlora.text_encoder_config' does not fit the stored tensors: text_encoder: ", error.Message);
        Assert.Contains("parameters with no tensor in the checkpoint: text_model.encoder.layers.2.", error.Message);
    }

    [Fact]
    public void AMissingComponentIsStillReportedAsMissingNotAsABadConfig()
    {
        string path = TinySingleFile.Write(_temp.File("no-vae.safetensors"), _full, name => !name.StartsWith(LdmKeyMapper.VaePrefix, StringComparison.Ordinal));
        Assert.Equal(
            $"'{path}' has no first_stage_model.* tensors, so it holds no Vae weights; give a separate VAE file (VAE override)",
            Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(path).Dispose()).Message);
    }

    [Fact]
    public void HalfATokenizerIsRefusedNamingTheMissingKey()
    {
        string path = Write(_full.With(SingleFileMetadata.TokenizerMergesKey, null));
        Assert.Equal(
            $"'{path}': metadata 'cmlora.tokenizer_merges' is missing: a tokenizer needs both 'cmlora.tokenizer_vocab' and 'cmlora.tokenizer_merges', the file has only 'cmlora.tokenizer_vocab'",
            Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(path).Dispose()).Message);
    }

    [Fact]
    public void BadTokenizerTextsAreRefusedNamingTheirKey()
    {
        string vocab = Write(_full.With(SingleFileMetadata.TokenizerVocabKey, "[\"a\"]"));
        Assert.StartsWith($"'{vocab}': metadata 'cmlora.tokenizer_vocab' is not a CLIP tokenizer file: '{vocab}' metadata: vocab.json is not a JSON object of token → id",
            Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(vocab).Dispose()).Message);

        string merges = Write(_full.With(SingleFileMetadata.TokenizerMergesKey, "#version: 0.2\na b c\n"));
        Assert.Equal($"'{merges}': metadata 'cmlora.tokenizer_merges' is not a CLIP tokenizer file: '{merges}' metadata: merges.txt line 2 is not two symbols separated by one space.",
            Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(merges).Dispose()).Message);
    }

    [Fact]
    public void ATokenizerWhoseSizeIsNotTheTextEncodersIsRefused()
    {
        string text = _full[SingleFileMetadata.TextEncoderConfigKey].Replace("\"vocab_size\": 1000", "\"vocab_size\": 1001");
        string path = Write(_full.With(SingleFileMetadata.TextEncoderConfigKey, text));
        Assert.Equal($"'{path}': metadata 'cmlora.tokenizer_vocab' holds 1000 tokens, but 'cmlora.text_encoder_config' has vocab_size 1001",
            Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(path).Dispose()).Message);

        string noConfig = Write(_full.With(SingleFileMetadata.TextEncoderConfigKey, null));
        Assert.Equal($"'{noConfig}': metadata 'cmlora.tokenizer_vocab' holds 1000 tokens, but the SD 1.5 text encoder (no text encoder config in the file) has vocab_size 49408",
            Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(noConfig).Dispose()).Message);
    }

    [Fact]
    public void AFileWithoutTheKeysReadsAsNone()
    {
        using var file = SafetensorsFile.Open(TinySingleFile.LdmFile);
        var metadata = SingleFileMetadata.Read(file);
        Assert.Equal((null, null, null, null, null),
            ((object?)metadata.UnetConfig, (object?)metadata.VaeConfig, (object?)metadata.TextEncoderConfig, (object?)metadata.SchedulerConfig, (object?)metadata.Tokenizer));
    }
}

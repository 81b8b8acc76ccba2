using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;
using static CMLoRA.Engine.Tests.Lora.LoraTestFiles;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Lora;

/// <summary>Files that must be refused with a specific message, never loaded as a silent no-op.</summary>
public class LoraRefusalTests : IDisposable
{
    private const string ToK = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private LoraFormatException Refuse(string name, IEnumerable<(string, Tensor)> tensors, Dictionary<string, string>? metadata = null)
    {
        string path = Write(_temp, name, tensors, metadata);
        return Assert.Throws<LoraFormatException>(() => LoraFile.Open(path).Dispose());
    }

    [Fact]
    public void UnsupportedKeysAreNamedWithWhatTheyLookLike()
    {
        var error = Refuse("ia3.safetensors",
        [
            ($"{ToK}.lora_down.weight", Random(1, 2, 768)),
            ($"{ToK}.lora_up.weight", Random(2, 320, 2)),
            ("lora_unet_mid_block_attentions_0_proj_out.weight", Random(3, 4)),
            ("lora_unet_mid_block_attentions_0_proj_out.on_input", Scalar(1f)),
        ]);
        Assert.Equal(LoraErrorKind.UnsupportedKeys, error.Kind);
        Assert.Equal(["lora_unet_mid_block_attentions_0_proj_out.weight", "lora_unet_mid_block_attentions_0_proj_out.on_input"], error.Keys);
        Assert.StartsWith("ia3.safetensors has 2 key(s) this loader does not support: 'lora_unet_mid_block_attentions_0_proj_out.weight', " +
            "'lora_unet_mid_block_attentions_0_proj_out.on_input'. They look like (IA)³, (IA)³ or full weights.", error.Message);
    }

    [Fact]
    public void OldDiffusersProcessorKeysAreRefused()
    {
        const string key = "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_q_lora.down.weight";
        var error = Refuse("old.safetensors", [(key, Random(4, 4, 320))]);
        Assert.Equal(LoraErrorKind.UnsupportedKeys, error.Kind);
        Assert.Contains($"'{key}'", error.Message);
        Assert.Contains("the old diffusers attention-processor format", error.Message);
    }

    [Fact]
    public void FullCheckpointIsRefusedAsNotALora()
    {
        var error = Refuse("checkpoint.safetensors", [("model.diffusion_model.input_blocks.0.0.weight", Random(5, 4, 4, 3, 3))]);
        Assert.Contains("They look like a full checkpoint, not a LoRA.", error.Message);
    }

    [Fact]
    public void SdxlLoraIsRefused()
    {
        var error = Refuse("sdxl.safetensors",
        [
            ("lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k.lora_down.weight", Random(6, 4, 2048)),
            ("lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k.lora_up.weight", Random(7, 640, 4)),
            ("lora_te1_text_model_encoder_layers_0_mlp_fc1.lora_down.weight", Random(8, 4, 768)),
            ("lora_te1_text_model_encoder_layers_0_mlp_fc1.lora_up.weight", Random(9, 3072, 4)),
        ]);
        Assert.Equal(LoraErrorKind.IncompatibleBaseModel, error.Kind);
        Assert.StartsWith("sdxl.safetensors is a LoRA for SDXL, not Stable Diffusion 1.x: it has SDXL text-encoder keys (lora_te1_/lora_te2_ or text_encoder_2.); " +
            "attn2 to_k/to_v input width is 2048 (SD 1.x: 768, SD 2.x: 1024, SDXL: 2048).", error.Message);
    }

    [Fact]
    public void SdxlIsRefusedFromTheWidthAlone()
    {
        var error = Refuse("sdxl_unet_only.safetensors",
        [
            ($"{ToK}.lora_down.weight", Random(10, 4, 2048)), ($"{ToK}.lora_up.weight", Random(11, 320, 4)),
        ]);
        Assert.Contains("is a LoRA for SDXL", error.Message);
    }

    [Fact]
    public void Sd2LoraIsRefused()
    {
        var error = Refuse("sd2.safetensors",
        [
            ($"{ToK}.lora_down.weight", Random(12, 4, 1024)), ($"{ToK}.lora_up.weight", Random(13, 320, 4)),
        ]);
        Assert.Equal(LoraErrorKind.IncompatibleBaseModel, error.Kind);
        Assert.StartsWith("sd2.safetensors is a LoRA for SD 2.x, not Stable Diffusion 1.x: attn2 to_k/to_v input width is 1024", error.Message);
    }

    [Fact]
    public void Sd2IsRefusedFromMetadataWhenTheTensorsAreSilent()
    {
        var error = Refuse("sd2_meta.safetensors",
        [
            ("lora_te_text_model_encoder_layers_0_mlp_fc1.lora_down.weight", Random(14, 4, 16)),
            ("lora_te_text_model_encoder_layers_0_mlp_fc1.lora_up.weight", Random(15, 16, 4)),
        ], new() { ["ss_base_model_version"] = "sd_v2", ["ss_v2"] = "True" });
        Assert.StartsWith("sd2_meta.safetensors is a LoRA for SD 2.x, not Stable Diffusion 1.x: ss_base_model_version is 'sd_v2'.", error.Message);
    }

    [Fact]
    public void TensorEvidenceWinsOverWrongMetadata()
    {
        using var lora = LoraFile.Open(Write(_temp, "mislabelled.safetensors",
        [
            ($"{ToK}.lora_down.weight", Random(16, 4, 768)), ($"{ToK}.lora_up.weight", Random(17, 320, 4)),
        ], new Dictionary<string, string> { ["modelspec.architecture"] = "stable-diffusion-xl-v1-base/lora" }));
        Assert.Equal(BaseModelFamily.SD1, lora.BaseModel.Family);
        Assert.Equal(BaseModelFamily.SDXL, lora.BaseModel.FromMetadata);
    }

    [Fact]
    public void MismatchedDownAndUpRanksAreRefused()
    {
        var error = Refuse("ranks.safetensors",
        [
            ($"{ToK}.lora_down.weight", Random(18, 4, 768)), ($"{ToK}.lora_up.weight", Random(19, 320, 8)),
        ]);
        Assert.Equal(LoraErrorKind.Malformed, error.Kind);
        Assert.Equal($"ranks.safetensors: LoRA module '{ToK}' 'lora_down.weight' [4,768] has rank 4 but 'lora_up.weight' [320,8] has rank 8", error.Message);
        Assert.Equal([ToK], error.Keys);
    }

    [Fact]
    public void DownWithoutUpIsRefused()
    {
        var error = Refuse("half.safetensors",
        [
            ($"{ToK}.lora_down.weight", Random(20, 4, 768)), ($"{ToK}.alpha", Scalar(1f)),
        ]);
        Assert.Equal($"half.safetensors: LoRA module '{ToK}' has 'lora_down.weight' but no lora_up.weight", error.Message);
    }

    [Fact]
    public void PeftAWithoutBIsRefused()
    {
        const string module = "unet.mid_block.attentions.0.proj_in";
        var error = Refuse("half_peft.safetensors", [($"{module}.lora_A.weight", Random(21, 4, 1280, 1, 1))]);
        Assert.Equal($"half_peft.safetensors: LoRA module '{module}' has 'lora_A.weight' but no lora_B.weight", error.Message);
    }

    [Fact]
    public void AlphaWithoutWeightsIsRefused()
    {
        var error = Refuse("alpha_only.safetensors", [($"{ToK}.alpha", Scalar(1f))]);
        Assert.Equal($"alpha_only.safetensors: LoRA module '{ToK}' has no weight tensors, only alpha", error.Message);
    }

    [Fact]
    public void FileWithoutTensorsIsRefused()
    {
        string path = _temp.File("empty.safetensors");
        SafetensorsWriter.Write(path, [], new Dictionary<string, string> { ["ss_output_name"] = "empty" });
        var error = Assert.Throws<LoraFormatException>(() => LoraFile.Open(path).Dispose());
        Assert.Equal("empty.safetensors contains no LoRA tensors", error.Message);
    }

    [Fact]
    public void PickleIsRefusedWithoutBeingRead()
    {
        string path = _temp.File("lora.ckpt");
        File.WriteAllBytes(path, [(byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
        var error = Assert.Throws<SafetensorsFormatException>(() => LoraFile.Open(path).Dispose());
        Assert.Equal(PickleDetector.Explanation, error.Message);
    }

    [Fact]
    public void MalformedHeaderIsRefused()
    {
        string path = _temp.File("broken.safetensors");
        byte[] header = "{\"a\": {\"dtype\": \"F32\"}}"u8.ToArray();
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)header.Length), .. header]);
        var error = Assert.Throws<SafetensorsFormatException>(() => LoraFile.Open(path).Dispose());
        Assert.Equal("tensor 'a': needs dtype, shape and data_offsets", error.Message);
    }
}

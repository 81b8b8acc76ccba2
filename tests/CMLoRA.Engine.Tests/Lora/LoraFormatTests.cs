using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Tests.Support;
using static CMLoRA.Engine.Tests.Lora.LoraTestFiles;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Lora;

/// <summary>
/// kohya LoRA/LoCon and diffusers/PEFT files: parsed rank, alpha and scale, and ΔW against a direct loop computation in
/// double precision. Tolerance 1e-5 absolute on values of order 1 (float32 rounding of short sums).
/// </summary>
public class LoraFormatTests : IDisposable
{
    private const double Tolerance = 1e-5;
    private const string ToQ = "down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // ΔW[o,i] = factor · Σ_a up[o,a]·down[a,i]
    private static double[] LowRank(double[] up, double[] down, int output, int rank, int input, double factor)
    {
        var result = new double[output * input];
        for (int o = 0; o < output; o++)
            for (int i = 0; i < input; i++)
            {
                double sum = 0;
                for (int a = 0; a < rank; a++) sum += up[o * rank + a] * down[a * input + i];
                result[o * input + i] = factor * sum;
            }
        return result;
    }

    [Fact]
    public void KohyaLinearLoraHasRankAlphaScaleAndDelta()
    {
        var down = Random(1, 3, 5);
        var up = Random(2, 6, 3);
        var expected = LowRank(Values(up), Values(down), 6, 3, 5, 0.8 * 1.5 / 3);
        string path = Write(_temp, "kohya.safetensors",
        [
            ($"lora_unet_{ToQ}.lora_down.weight", down),
            ($"lora_unet_{ToQ}.lora_up.weight", up),
            ($"lora_unet_{ToQ}.alpha", Scalar(1.5f)),
        ]);

        using var lora = LoraFile.Open(path);
        var module = Assert.Single(lora.Modules);
        Assert.Equal(LoraNaming.Kohya, lora.Naming);
        Assert.Equal(LoraNetworkType.LoRA, lora.NetworkType);
        Assert.Equal(new LoraTargetKey(LoraComponent.Unet, ToQ), module.Target);
        Assert.Equal($"lora_unet_{ToQ}", module.SourceKey);
        Assert.Equal(LoraAlgorithm.LoRA, module.Algorithm);
        Assert.Equal(ModuleKind.Linear, module.Kind);
        Assert.Equal(3, module.Rank);
        Assert.Equal(1.5, module.StoredAlpha);
        Assert.Equal(0.5, module.Scale, 12);
        Assert.Equal(new long[] { 6, 5 }, module.DeltaShape);
        using var delta = module.DeltaWeight(0.8);
        Assert.Equal(ScalarType.Float32, delta.dtype);
        Assert.True(MaxAbsDifference(delta, expected) < Tolerance);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void KohyaLoraWithoutAlphaOrWithZeroAlphaHasScaleOne(bool zeroAlpha)
    {
        var down = Random(3, 4, 5);
        var up = Random(4, 6, 4);
        var expected = LowRank(Values(up), Values(down), 6, 4, 5, 1.0);
        var tensors = new List<(string, Tensor)>
        {
            ("lora_te_text_model_encoder_layers_0_mlp_fc1.lora_down.weight", down),
            ("lora_te_text_model_encoder_layers_0_mlp_fc1.lora_up.weight", up),
        };
        if (zeroAlpha) tensors.Add(("lora_te_text_model_encoder_layers_0_mlp_fc1.alpha", Scalar(0f)));
        using var lora = LoraFile.Open(Write(_temp, "noalpha.safetensors", tensors));

        var module = Assert.Single(lora.Modules);
        Assert.Equal(LoraComponent.TextEncoder, module.Component);
        Assert.Equal("text_model_encoder_layers_0_mlp_fc1", module.Target.Name);
        Assert.Equal(zeroAlpha ? 0.0 : null, module.StoredAlpha);
        Assert.Equal(4.0, module.Alpha);
        Assert.Equal(1.0, module.Scale);
        using var delta = module.DeltaWeight();
        Assert.True(MaxAbsDifference(delta, expected) < Tolerance);
    }

    [Fact]
    public void KohyaOneByOneConvLoraIsPlainLora()
    {
        var down = Random(5, 2, 6, 1, 1);
        var up = Random(6, 7, 2, 1, 1);
        var expected = LowRank(Values(up), Values(down), 7, 2, 6, 1.0 / 2);
        using var lora = LoraFile.Open(Write(_temp, "proj.safetensors",
        [
            ("lora_unet_mid_block_attentions_0_proj_in.lora_down.weight", down),
            ("lora_unet_mid_block_attentions_0_proj_in.lora_up.weight", up),
            ("lora_unet_mid_block_attentions_0_proj_in.alpha", Scalar(1f)),
        ]));

        var module = Assert.Single(lora.Modules);
        Assert.Equal(ModuleKind.Conv2d, module.Kind);
        Assert.Equal(new long[] { 7, 6, 1, 1 }, module.DeltaShape);
        Assert.Equal(LoraNetworkType.LoRA, lora.NetworkType);
        using var delta = module.DeltaWeight();
        Assert.Equal(new long[] { 7, 6, 1, 1 }, delta.shape);
        Assert.True(MaxAbsDifference(delta, expected) < Tolerance);
    }

    [Fact]
    public void LoConThreeByThreeWithoutMidMultipliesFlattenedKernels()
    {
        const int output = 5, rank = 3, input = 4;
        var down = Random(7, rank, input, 3, 3);
        var up = Random(8, output, rank, 1, 1);
        // Σ_a up[o,a]·down[a,i,y,x]: the kernel rides along with the input axis.
        var expected = LowRank(Values(up), Values(down), output, rank, input * 9, 2.0 / rank);
        using var lora = LoraFile.Open(Write(_temp, "locon.safetensors",
        [
            ("lora_unet_down_blocks_0_resnets_0_conv1.lora_down.weight", down),
            ("lora_unet_down_blocks_0_resnets_0_conv1.lora_up.weight", up),
            ("lora_unet_down_blocks_0_resnets_0_conv1.alpha", Scalar(2f)),
        ]));

        var module = Assert.Single(lora.Modules);
        Assert.Equal(LoraNetworkType.LoCon, lora.NetworkType);
        Assert.Equal(new long[] { output, input, 3, 3 }, module.DeltaShape);
        using var delta = module.DeltaWeight();
        Assert.True(MaxAbsDifference(delta, expected) < Tolerance);
    }

    [Fact]
    public void LoConWithMidUsesTheTuckerForm()
    {
        const int output = 4, rank = 2, input = 3, k = 3;
        var down = Random(9, rank, input, 1, 1);
        var mid = Random(10, rank, rank, k, k);
        var up = Random(11, output, rank, 1, 1);
        double[] d = Values(down), m = Values(mid), u = Values(up);
        const double factor = 0.7 * (1.0 / rank);
        var expected = new double[output * input * k * k];
        for (int o = 0; o < output; o++)
            for (int i = 0; i < input; i++)
                for (int y = 0; y < k; y++)
                    for (int x = 0; x < k; x++)
                    {
                        double sum = 0;
                        for (int a = 0; a < rank; a++)
                            for (int b = 0; b < rank; b++)
                                sum += u[o * rank + a] * m[((a * rank + b) * k + y) * k + x] * d[b * input + i];
                        expected[((o * input + i) * k + y) * k + x] = factor * sum;
                    }
        using var lora = LoraFile.Open(Write(_temp, "tucker.safetensors",
        [
            ("lora_unet_up_blocks_1_resnets_2_conv2.lora_down.weight", down),
            ("lora_unet_up_blocks_1_resnets_2_conv2.lora_mid.weight", mid),
            ("lora_unet_up_blocks_1_resnets_2_conv2.lora_up.weight", up),
            ("lora_unet_up_blocks_1_resnets_2_conv2.alpha", Scalar(1f)),
        ]));

        var module = Assert.Single(lora.Modules);
        Assert.True(module.HasTuckerCore);
        Assert.Equal(LoraNetworkType.LoCon, lora.NetworkType);
        Assert.Equal(new long[] { output, input, k, k }, module.DeltaShape);
        using var delta = module.DeltaWeight(0.7);
        Assert.True(MaxAbsDifference(delta, expected) < Tolerance);
    }

    [Fact]
    public void PeftNamesResolveComponentsAndTakeAlphaFromAdapterMetadata()
    {
        var unetDown = Random(12, 4, 8);
        var unetUp = Random(13, 8, 4);
        var teDown = Random(14, 2, 6);
        var teUp = Random(15, 6, 2);
        var unetExpected = LowRank(Values(unetUp), Values(unetDown), 8, 4, 8, 8.0 / 4);
        var teExpected = LowRank(Values(teUp), Values(teDown), 6, 2, 6, 1.0 / 2);
        const string unetPath = "unet.down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_out.0";
        const string tePath = "text_encoder.text_model.encoder.layers.3.self_attn.q_proj";
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["lora_adapter_metadata"] = """{"text_encoder.lora_alpha": 1, "text_encoder.r": 2, "unet.lora_alpha": 8, "unet.r": 4, "unet.use_rslora": false}""",
        };
        using var lora = LoraFile.Open(Write(_temp, "pytorch_lora_weights.safetensors",
        [
            ($"{unetPath}.lora_A.weight", unetDown),
            ($"{unetPath}.lora_B.weight", unetUp),
            ($"{tePath}.lora_A.weight", teDown),
            ($"{tePath}.lora_B.weight", teUp),
        ], metadata));

        Assert.Equal(LoraNaming.Diffusers, lora.Naming);
        var unet = lora.Find(new LoraTargetKey(LoraComponent.Unet, "down_blocks_1_attentions_0_transformer_blocks_0_attn2_to_out_0"));
        var te = lora.Find(new LoraTargetKey(LoraComponent.TextEncoder, "text_model_encoder_layers_3_self_attn_q_proj"));
        Assert.NotNull(unet);
        Assert.NotNull(te);
        Assert.Equal(unetPath, unet.SourceKey);
        Assert.Equal(8.0, unet.StoredAlpha);
        Assert.Equal(2.0, unet.Scale);
        Assert.Equal(1.0, te.StoredAlpha);
        Assert.Equal(0.5, te.Scale);
        using var unetDelta = unet.DeltaWeight();
        using var teDelta = te.DeltaWeight();
        Assert.True(MaxAbsDifference(unetDelta, unetExpected) < Tolerance);
        Assert.True(MaxAbsDifference(teDelta, teExpected) < Tolerance);
        Assert.Equal(1, lora.UnetModuleCount);
        Assert.Equal(1, lora.TextEncoderModuleCount);
    }

    [Fact]
    public void PeftNestedMetadataAlphaPatternAndRsLoraAreHonoured()
    {
        const string toK = "unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_k";
        const string toV = "unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_v";
        var metadata = new Dictionary<string, string>
        {
            ["lora_adapter_metadata"] = """{"unet": {"r": 4, "lora_alpha": 16, "use_rslora": true, "alpha_pattern": {"mid_block.attentions.0.transformer_blocks.0.attn1.to_v": 4}}}""",
        };
        using var lora = LoraFile.Open(Write(_temp, "rs.safetensors",
        [
            ($"{toK}.lora_A.weight", Random(16, 4, 3)),
            ($"{toK}.lora_B.weight", Random(17, 3, 4)),
            ($"{toV}.lora_A.weight", Random(18, 4, 3)),
            ($"{toV}.lora_B.weight", Random(19, 3, 4)),
        ], metadata));

        var k = lora.Modules.Single(m => m.SourceKey == toK);
        var v = lora.Modules.Single(m => m.SourceKey == toV);
        Assert.Equal(16.0, k.Alpha);
        Assert.Equal(16.0 / Math.Sqrt(4), k.Scale, 12);
        Assert.Equal(4.0, v.Alpha);
        Assert.Equal(4.0 / Math.Sqrt(4), v.Scale, 12);
    }

    [Fact]
    public void PeftAlphaTensorWinsOverAdapterMetadataAndMissingBothMeansScaleOne()
    {
        const string withAlpha = "unet.up_blocks.1.attentions.2.transformer_blocks.0.ff.net.2";
        const string plain = "unet.up_blocks.1.attentions.2.transformer_blocks.0.ff.net.0.proj";
        using var lora = LoraFile.Open(Write(_temp, "converted.safetensors",
        [
            ($"{withAlpha}.lora_A.weight", Random(20, 2, 5)),
            ($"{withAlpha}.lora_B.weight", Random(21, 3, 2)),
            ($"{withAlpha}.alpha", Scalar(1f)),
            ($"{plain}.lora_A.weight", Random(22, 2, 3)),
            ($"{plain}.lora_B.weight", Random(23, 5, 2)),
        ]));

        var a = lora.Modules.Single(m => m.SourceKey == withAlpha);
        var b = lora.Modules.Single(m => m.SourceKey == plain);
        Assert.Equal("up_blocks_1_attentions_2_transformer_blocks_0_ff_net_2", a.Target.Name);
        Assert.Equal("up_blocks_1_attentions_2_transformer_blocks_0_ff_net_0_proj", b.Target.Name);
        Assert.Equal(0.5, a.Scale);
        Assert.Null(b.StoredAlpha);
        Assert.Equal(1.0, b.Scale);
    }

    [Fact]
    public void DeltaWeightRefusesAnIncompatibleTargetShape()
    {
        using var lora = LoraFile.Open(Write(_temp, "shape.safetensors",
        [
            ($"lora_unet_{ToQ}.lora_down.weight", Random(24, 2, 5)),
            ($"lora_unet_{ToQ}.lora_up.weight", Random(25, 6, 2)),
        ]));
        var module = Assert.Single(lora.Modules);
        Assert.True(module.IsCompatibleWith([6, 5]));
        Assert.True(module.IsCompatibleWith([6, 5, 1, 1]));
        Assert.False(module.IsCompatibleWith([5, 6]));
        var error = Assert.Throws<ArgumentException>(() => module.DeltaWeight(1.0, [5, 6]).Dispose());
        Assert.Contains("[6,5]", error.Message);
    }
}

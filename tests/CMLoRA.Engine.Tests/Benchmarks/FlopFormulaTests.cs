using CMLoRA.Engine.Benchmarks;
using CMLoRA.Engine.Models.Blocks;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Benchmarks;

/// <summary>
/// The config formula against independent counts: the hook counter on live forwards (tiny and small models on the
/// CPU; a narrow text encoder) and, for SD 1.5's UNet, whose convolutions libtorch cannot run on the meta device (where
/// shapes would flow without computing), a walk of its module tree.
/// </summary>
public class FlopFormulaTests
{
    private static double Hooked(nn.Module module, Func<Tensor> forward)
    {
        using var guard = no_grad();
        using var counter = new FlopCounter(module);
        using (forward()) { }
        return counter.Flops;
    }

    [Fact]
    public void Sd15UNetAt512IsAbout1Point6TeraflopPerCfgPair()
    {
        // Derived by hand from the config (per sample, latent 64², 77 context tokens of width 768, N = h·w tokens):
        //   3×3 convs 400.33 G: resnets 2·HW·9·(cin·cout + cout²), down/upsamplers, conv_in/conv_out;
        //   1×1 convs 43.62 G: resnet shortcuts 2·HW·cin·cout (18.03) and proj_in/proj_out 2·2·N·C² (25.59);
        //   attention projections 79.71 G: attn1 q/k/v/out 4·2·N·C², attn2 q/out 2·2·N·C², attn2 k/v 2·2·77·768·C;
        //   QKᵀ·V 126.05 G: self 4·N²·C (122.49, of which 107.37 at the 4096 tokens of the 64² blocks), cross 4·N·77·C;
        //   feed-forward 153.51 G: GEGLU 2·N·C·8C + 2·N·4C·C; time embedding 0.06 G.
        //   Total 803.27 GFLOP per sample, 1606.55 GFLOP for a CFG pair (0.8 TFLOP is one sample, not the pair).
        var flops = FlopFormula.UNet(UNetConfig.StableDiffusion15, batch: 2, latentHeight: 64, latentWidth: 64);
        Assert.Equal(1_606_546_882_560.0, flops.Total);
        Assert.Equal(800.65, flops[FlopBreakdown.Conv3x3] / 1e9, 2);
        Assert.Equal(87.24, flops[FlopBreakdown.Conv1x1] / 1e9, 2);
        Assert.Equal(159.42, flops[FlopBreakdown.AttentionProjections] / 1e9, 2);
        Assert.Equal(252.10, flops[FlopBreakdown.AttentionScores] / 1e9, 2);
        Assert.Equal(307.02, flops[FlopBreakdown.FeedForward] / 1e9, 2);
    }

    [Fact]
    public void Sd15UNetModuleTreeWalkMatchesTheFormulaAt512()
    {
        // libtorch has no meta convolution, so SD 1.5 cannot run forward without 3.4 GB of weights and a minute of CPU.
        // Instead, count from the module tree built on the meta device: each Conv2d/Linear weight's MACs times the
        // positions it is applied at (from its path), plus QKᵀ·V of every attention. The formula never sees the tree.
        using var unet = new UNet2DConditionModel(UNetConfig.StableDiffusion15, LayerFactory.Meta);
        double walked = ModuleTreeFlops(unet, batch: 2, latent: 64, contextTokens: 77);
        Assert.InRange(walked / FlopFormula.UNet(UNetConfig.StableDiffusion15, 2, 64, 64).Total, 0.99, 1.01);
    }

    [Fact]
    public void TextEncoderHookCountMatchesTheFormula()
    {
        // The embedding lookup has no meta kernel either, so a narrow CLIP runs on the CPU; SD 1.5's is pinned by hand.
        var config = ClipTextConfig.StableDiffusion15 with { HiddenSize = 64, IntermediateSize = 256, NumHiddenLayers = 3, NumAttentionHeads = 4 };
        using var clip = new CLIPTextModel(config);
        using var ids = randint(1000, [2, 77], dtype: ScalarType.Int64);
        Assert.Equal(FlopFormula.TextEncoder(config, 2, 77).Total, Hooked(clip, () => clip.call(ids)));
        // Per layer: q/k/v/out 4·2·T·H², MLP 2·2·T·H·I, QKᵀ·V 4·T²·H (T = 77 tokens, H = 768, I = 3072), 12 layers, batch 2.
        Assert.Equal(2.0 * 2 * 77 * 12 * (4 * 768 * 768 + 2 * 768 * 3072) + 4.0 * 2 * 77 * 77 * 768 * 12,
            FlopFormula.TextEncoder(ClipTextConfig.StableDiffusion15, 2, 77).Total);
    }

    [Fact]
    public void VaeDecodeHookCountMatchesTheFormula()
    {
        var config = SyntheticModelConfig.Tiny;
        using var vae = config.BuildVae();
        using var latents = randn(1, 4, 5, 6);
        Assert.Equal(FlopFormula.VaeDecoder(config.Vae, 1, 5, 6).Total, Hooked(vae, () => vae.Decode(latents)));
        // SD 1.5's decoder at 512² (by hand: 77 G mid resnets, 43 G mid attention, 116 + 464 G of 512-channel resnets at
        // 64² and 128², 249 + 309 G at 256², 249 + 309 G at 512², 77 + 309 + 309 G of upsampling convs) is 2.51 TFLOP
        // for one image: more than one and a half UNet CFG pairs.
        Assert.InRange(FlopFormula.VaeDecoder(VaeConfig.StableDiffusion15, 1, 64, 64).Total / 1e9, 2514, 2515);
    }

    // Spatial side of a UNet level: level i of n is latent / 2^i (SD 1.5 at 512²: 64, 32, 16, 8).
    private static double ModuleTreeFlops(UNet2DConditionModel unet, long batch, long latent, long contextTokens)
    {
        int n = unet.Config.BlockCount;
        int Level(string[] path) => path[0] switch
        {
            "down_blocks" => int.Parse(path[1]) + (path[2] == "downsamplers" ? 1 : 0),
            "up_blocks" => n - 1 - int.Parse(path[1]) - (path[2] == "upsamplers" ? 1 : 0),
            "mid_block" => n - 1,
            _ => 0,
        };
        long Positions(int level) => (latent >> level) * (latent >> level);

        double total = 0;
        foreach (var (name, weight) in unet.named_parameters())
        {
            if (!name.EndsWith(".weight", StringComparison.Ordinal) || weight.dim() < 2) continue; // norms and biases are 1-D
            var path = name.Split('.');
            long positions = name.StartsWith("time_embedding.", StringComparison.Ordinal) || name.Contains("time_emb_proj") ? 1
                : name.Contains("attn2.to_k") || name.Contains("attn2.to_v") ? contextTokens
                : Positions(Level(path));
            long macs = weight.shape[0] * weight.shape[1] * (weight.dim() == 4 ? weight.shape[2] * weight.shape[3] : 1);
            total += 2.0 * batch * positions * macs;
            if (name.EndsWith(".to_q.weight", StringComparison.Ordinal))
            {
                long tokens = Positions(Level(path));
                long keys = name.Contains("attn1") ? tokens : contextTokens;
                total += 4.0 * batch * tokens * keys * weight.shape[0];
            }
        }
        return total;
    }

    [Theory]
    [InlineData("tiny", 8, 8)]
    [InlineData("tiny", 7, 9)] // odd sizes: stride-2 convs round up and the up path resizes to the skips
    [InlineData("small", 5, 6)] // SD 1.5's topology: four levels, attention in three, 2 layers per block
    public void UNetHookCountMatchesTheFormulaOnTheCpu(string name, int height, int width)
    {
        var config = SyntheticModelConfig.Named(name);
        using var unet = config.BuildUNet();
        using var sample = randn(2, 4, height, width);
        using var t = tensor(10f);
        using var context = randn(2, 77, config.UNet.CrossAttentionDim.Resolve(config.UNet.BlockCount, "cross_attention_dim")[0]);
        double hooked = Hooked(unet, () => unet.call(sample, t, context));
        Assert.Equal(FlopFormula.UNet(config.UNet, 2, height, width).Total, hooked);
    }
}

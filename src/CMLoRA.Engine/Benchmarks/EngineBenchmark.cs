using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>
/// `cmlora bench engine`: the machine's matmul and conv ceilings, then UNet, VAE and text-encoder forwards with
/// random weights at the given configurations, each with its FLOPs counted and its rate as a fraction of the
/// matmul ceiling — all measured side by side in one run.
/// </summary>
public sealed class EngineBenchmark(Device device, int runs = 3, Action<string>? progress = null)
{
    public List<BenchmarkRow> Rows { get; } = [];

    public double MatmulCeiling { get; private set; }

    public void MeasureCeilings()
    {
        progress?.Invoke("matmul ceiling");
        MatmulCeiling = ComputeCeiling.MatmulGflops(device);
        Rows.Add(new BenchmarkRow("matmul 2048³ fp32 (ceiling)", 2.0 * Math.Pow(2048, 3) / MatmulCeiling / 1e9, 2.0 * Math.Pow(2048, 3) / 1e9, MatmulCeiling));
        progress?.Invoke("conv 3×3");
        double conv = ComputeCeiling.Conv3x3Gflops(device);
        double convGflop = 2.0 * 2 * 320 * 64 * 64 * 320 * 9 / 1e9;
        Rows.Add(new BenchmarkRow("conv 3×3 [2,320,64,64]", convGflop / conv, convGflop, MatmulCeiling));
    }

    /// <summary>Times a UNet forward on a CFG batch of 2 at <paramref name="pixels"/>² (latents at 1/8 of that).</summary>
    public void MeasureUNet(string name, UNetConfig config, int pixels, long contextLength = 77)
    {
        progress?.Invoke($"{name}: building");
        using var guard = no_grad();
        using var unet = new UNet2DConditionModel(config);
        unet.to(device);
        long latent = pixels / 8;
        using var sample = randn(2, config.InChannels, latent, latent, device: device);
        using var context = randn(2, contextLength, config.CrossAttentionDim.Resolve(1, "cross_attention_dim")[0], device: device);
        using var t = tensor(500f, device: device);
        progress?.Invoke($"{name}: timing");
        Rows.Add(Measure(name, unet, () => unet.call(sample, t, context)));
    }

    /// <summary>Times a VAE decode of one image at <paramref name="pixels"/>².</summary>
    public void MeasureVaeDecode(string name, VaeConfig config, int pixels)
    {
        progress?.Invoke($"{name}: building");
        using var guard = no_grad();
        using var vae = new AutoencoderKL(config);
        vae.to(device);
        long factor = 1L << (config.BlockOutChannels.Count - 1);
        using var latents = randn(1, config.LatentChannels, pixels / factor, pixels / factor, device: device);
        progress?.Invoke($"{name}: timing");
        Rows.Add(Measure(name, vae, () => vae.Decode(latents)));
    }

    /// <summary>Times any module's forward, counting its FLOPs with <see cref="FlopCounter"/>.</summary>
    public BenchmarkRow Measure(string name, nn.Module module, Func<Tensor> forward)
    {
        double flops;
        using (var counter = new FlopCounter(module))
        {
            using var once = forward();
            flops = counter.Flops;
        }
        double seconds = Stopwatches.MedianSeconds(() =>
        {
            using var output = forward();
            ComputeCeiling.Synchronize(device, output);
        }, runs, warmup: 0);
        return new BenchmarkRow(name, seconds, flops / 1e9, MatmulCeiling);
    }
}

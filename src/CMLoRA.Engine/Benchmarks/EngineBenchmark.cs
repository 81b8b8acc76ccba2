using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>
/// `cmlora bench engine`: the machine's matmul ceiling, single kernels, then UNet, VAE-decode and text-encoder forwards
/// with random weights (tiny fixture config, SD 1.5 at each size), each with its FLOPs counted by hooks, checked against
/// <see cref="FlopFormula"/>, and its rate as a fraction of the ceiling — all measured side by side in one run.
/// </summary>
public sealed class EngineBenchmark(Device device, int runs = 3, Action<string>? progress = null)
{
    /// <summary>Every measured row, in the order measured.</summary>
    public List<BenchmarkRow> Rows { get; } = [];

    /// <summary>Per-layer profiles by row name (see <see cref="EngineBenchmarkOptions.Profile"/>).</summary>
    public Dictionary<string, IReadOnlyList<LayerProfileRow>> Profiles { get; } = [];

    /// <summary>The matmul rate measured first, GFLOP/s; 0 until <see cref="MeasureCeiling"/>. Each row also carries the rate measured beside it.</summary>
    public double MatmulCeiling { get; private set; }

    /// <summary>Runs everything <paramref name="options"/> asks for.</summary>
    public void RunAll(EngineBenchmarkOptions options)
    {
        options.Validate();
        MeasureCeiling();
        if (options.Kernels)
        {
            progress?.Invoke("kernels");
            Rows.AddRange(KernelBenchmarks.Measure(device, runs));
        }

        var tiny = SyntheticModelConfig.Tiny;
        MeasureUNet("UNet tiny 64² (CFG pair)", tiny, tiny.DefaultSize);
        MeasureVaeDecode("VAE decode tiny 64²", tiny, tiny.DefaultSize);
        MeasureTextEncoder("text encoder tiny 2×77", tiny.TextEncoder);
        if (!options.StableDiffusion15) return;

        var sd = SyntheticModelConfig.StableDiffusion15;
        int largest = options.Sizes.Max();
        using (var unet = Build("SD 1.5 UNet", () => sd.BuildUNet(device)))
            foreach (int size in options.Sizes)
                MeasureUNet($"UNet SD 1.5 {size}² (CFG pair)", unet, size, options.Profile && size == largest);
        using (var vae = Build("SD 1.5 VAE", () => sd.BuildVae(device)))
            foreach (int size in options.Sizes)
                MeasureVaeDecode($"VAE decode SD 1.5 {size}²", vae, size);
        MeasureTextEncoder("text encoder SD 1.5 2×77", sd.TextEncoder);
    }

    /// <summary>Measures the matmul ceiling (2048³ float32) and adds its row.</summary>
    public void MeasureCeiling()
    {
        progress?.Invoke("matmul ceiling");
        MatmulCeiling = ComputeCeiling.MatmulGflops(device, runs: Math.Max(runs, 5));
        double gflop = 2.0 * Math.Pow(2048, 3) / 1e9;
        Rows.Add(new BenchmarkRow("matmul 2048³ fp32 (ceiling)", gflop / MatmulCeiling, gflop, MatmulCeiling));
    }

    /// <summary>Times a UNet built from <paramref name="config"/> on a CFG batch of 2 at <paramref name="pixels"/>².</summary>
    public void MeasureUNet(string name, SyntheticModelConfig config, int pixels)
    {
        using var unet = Build(name, () => config.BuildUNet(device));
        MeasureUNet(name, unet, pixels);
    }

    /// <summary>Times <paramref name="unet"/> on a CFG batch of 2 at <paramref name="pixels"/>² (latents at 1/8) with 77 context tokens.</summary>
    public void MeasureUNet(string name, UNet2DConditionModel unet, int pixels, bool profile = false)
    {
        using var guard = no_grad();
        var config = unet.Config;
        long latent = pixels / 8;
        using var sample = randn(2, config.InChannels, latent, latent, device: device);
        using var context = randn(2, 77, config.CrossAttentionDim.Resolve(config.BlockCount, "cross_attention_dim")[0], device: device);
        using var t = tensor(500f, device: device);
        double formula = FlopFormula.UNet(config, 2, latent, latent, 77).Total / 1e9;
        Rows.Add(Measure(name, unet, () => unet.call(sample, t, context), formula));
        if (profile) Profiles[name] = ProfileForward(name, unet, () => unet.call(sample, t, context));
    }

    /// <summary>Times a VAE decode of one image at <paramref name="pixels"/>².</summary>
    public void MeasureVaeDecode(string name, SyntheticModelConfig config, int pixels)
    {
        using var vae = Build(name, () => config.BuildVae(device));
        MeasureVaeDecode(name, vae, pixels);
    }

    /// <summary>Times <paramref name="vae"/> decoding one latent of <paramref name="pixels"/>²/8².</summary>
    public void MeasureVaeDecode(string name, AutoencoderKL vae, int pixels)
    {
        using var guard = no_grad();
        long factor = 1L << (vae.Config.BlockOutChannels.Count - 1);
        using var latents = randn(1, vae.Config.LatentChannels, pixels / factor, pixels / factor, device: device);
        double formula = FlopFormula.VaeDecoder(vae.Config, 1, pixels / factor, pixels / factor).Total / 1e9;
        Rows.Add(Measure(name, vae, () => vae.Decode(latents), formula));
    }

    /// <summary>Times a text encoder built from <paramref name="config"/> on <paramref name="batch"/> prompts of <paramref name="tokens"/> tokens (a CFG pair by default).</summary>
    public void MeasureTextEncoder(string name, ClipTextConfig config, int batch = 2, int tokens = 77)
    {
        using var guard = no_grad();
        using var model = Build(name, () => new CLIPTextModel(config, device));
        using var ids = randint(config.VocabSize, [batch, tokens], dtype: ScalarType.Int64, device: device);
        double formula = FlopFormula.TextEncoder(config, batch, tokens).Total / 1e9;
        Rows.Add(Measure(name, model, () => model.call(ids), formula));
    }

    /// <summary>
    /// Times any module's forward: one warm-up call that counts FLOPs with <see cref="FlopCounter"/>, then the median of
    /// the timed calls, each followed by a matmul whose median rate is the row's ceiling.
    /// </summary>
    public BenchmarkRow Measure(string name, nn.Module module, Func<Tensor> forward, double? formulaGflop = null)
    {
        progress?.Invoke($"{name}: timing");
        double flops;
        using (var counter = new FlopCounter(module))
        {
            using var once = forward();
            flops = counter.Flops;
        }
        var (seconds, ceiling) = ComputeCeiling.TimeBesideMatmul(device, () =>
        {
            using var output = forward();
            ComputeCeiling.Synchronize(device, output);
        }, runs, warmup: 0);
        return new BenchmarkRow(name, seconds, flops / 1e9, ceiling, formulaGflop);
    }

    /// <summary>One more forward with a <see cref="LayerProfiler"/> attached; the rows add up to that forward's wall time.</summary>
    public IReadOnlyList<LayerProfileRow> ProfileForward(string name, nn.Module module, Func<Tensor> forward)
    {
        progress?.Invoke($"{name}: profiling");
        using var profiler = new LayerProfiler(module);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        using (forward()) { }
        return profiler.Rows(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    private T Build<T>(string name, Func<T> build) where T : nn.Module
    {
        progress?.Invoke($"{name}: building with random weights");
        var module = build();
        module.eval();
        return module;
    }
}

using System.Diagnostics;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Text;
using TorchSharp.Modules;

namespace CMLoRA.Engine.Tests.Generation;

/// <summary>
/// Where <see cref="GenerationStats"/> puts the time: the UNet and the VAE decoder of a private tiny generator are
/// slowed down by known amounts (sleeps in forward pre-hooks), so the checks hold however loaded the machine is.
/// </summary>
public sealed class GenerationTimingTests : IDisposable
{
    private static readonly TimeSpan UNetDelay = TimeSpan.FromMilliseconds(200), DecodeDelay = TimeSpan.FromMilliseconds(500);

    private readonly TempDirectory _temp = new();
    private readonly StableDiffusionGenerator _generator;

    public GenerationTimingTests()
    {
        string model = TinyModelFolder.Create(_temp.Path);
        var unet = UNet2DConditionModel.FromDiffusersFolder(Path.Combine(model, "unet"));
        var vae = AutoencoderKL.FromDiffusersFolder(Path.Combine(model, "vae"));
        Layer(unet, "conv_in").register_forward_pre_hook(_ => Thread.Sleep(UNetDelay));
        Layer(vae, "decoder.conv_in").register_forward_pre_hook(_ => Thread.Sleep(DecodeDelay));
        _generator = StableDiffusionGenerator.FromModels(unet, vae, StableDiffusionCheckpoint.LoadTextEncoder(model), ClipTokenizer.Load(model));
    }

    private static Conv2d Layer(TorchSharp.torch.nn.Module model, string name) =>
        (Conv2d)model.named_modules().Single(m => m.name == name).module;

    public void Dispose()
    {
        _generator.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void TheVaeDecodeCountsAsDecodeAndNotAsDenoise()
    {
        var job = new GenerationJob("a red circle", "", [], CompositionMethod.None, null,
            new TextToImageRequest(Width: 64, Height: 64, Steps: 2, GuidanceScale: 7.5, Seed: 3));

        long start = Stopwatch.GetTimestamp();
        var stats = _generator.Generate(job).Stats;
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;

        // Two steps, one batched CFG call each; one decode.
        Assert.Equal(2, stats.UNetCalls);
        Assert.True(stats.DenoiseSeconds >= 2 * UNetDelay.TotalSeconds, $"denoise {stats.DenoiseSeconds} s");
        Assert.True(stats.DecodeSeconds >= DecodeDelay.TotalSeconds, $"decode {stats.DecodeSeconds} s");
        // The three phases are disjoint: counting the decode in both would exceed the wall time by its 0.5 s.
        double phases = stats.TextEncodeSeconds + stats.DenoiseSeconds + stats.DecodeSeconds;
        Assert.True(phases <= wall, $"text {stats.TextEncodeSeconds} + denoise {stats.DenoiseSeconds} + decode {stats.DecodeSeconds} > wall {wall}");
    }
}

using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Pipelines;

namespace CMLoRA.Engine.Recipes;

/// <summary>
/// Measured speed of a loaded model at one size, for <see cref="GenerationCost"/>: seconds per full single-sample UNet
/// pass, the cost of a cached (shallow) pass relative to a full one, and the fixed costs of text encoding and VAE
/// decoding. Times at other sizes scale with the pixel count (the convolutions dominate at SD 1.x sizes).
/// </summary>
/// <param name="Width">Width the calibration ran at.</param>
/// <param name="Height">Height the calibration ran at.</param>
/// <param name="SecondsPerUnetEvaluation">Seconds of one full UNet pass of batch 1 (a CFG pair costs two).</param>
/// <param name="ShallowFraction">Cached pass time over full pass time, in [0, 1].</param>
/// <param name="TextEncodeSeconds">Time to encode a prompt pair.</param>
/// <param name="DecodeSeconds">VAE decode and PNG encoding at the calibration size.</param>
public sealed record SpeedCalibration(int Width, int Height, double SecondsPerUnetEvaluation, double ShallowFraction,
    double TextEncodeSeconds, double DecodeSeconds)
{
    /// <summary>
    /// Measures <paramref name="generator"/> at the given size (default: the model's native size) with the real
    /// engine: a 1-step warm-up, a 1-step run (one full CFG evaluation), and, when <paramref name="measureShallowFraction"/>,
    /// a 2-step cached run of the base model (one full and one cached evaluation). Costs four or five UNet passes.
    /// </summary>
    public static SpeedCalibration Measure(StableDiffusionGenerator generator, int? width = null, int? height = null,
        bool measureShallowFraction = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        int native = generator.NativeSize;
        var request = new TextToImageRequest(width ?? native, height ?? native, Steps: 1, GuidanceScale: 7.5, Seed: 0);
        var job = new GenerationJob("calibration", "", [], CompositionMethod.None, null, request);

        generator.Generate(job, cancellationToken: cancellationToken);
        var single = generator.Generate(job, cancellationToken: cancellationToken).Stats;
        double full = single.DenoiseSeconds;
        double shallow = 0.25;
        if (measureShallowFraction)
        {
            var cached = job with
            {
                Options = new NoLoraOptions { Caching = RefreshSpec.Uniform(2) },
                Image = request with { Steps = 2 },
            };
            var two = generator.Generate(cached, cancellationToken: cancellationToken).Stats;
            shallow = Math.Clamp((two.DenoiseSeconds - full) / full, 0.0, 1.0);
        }
        return new SpeedCalibration(request.Width, request.Height, full / 2, shallow, single.TextEncodeSeconds, single.DecodeSeconds);
    }

    /// <summary>Seconds of one full batch-1 UNet pass at <paramref name="width"/>×<paramref name="height"/>.</summary>
    public double SecondsPerUnetEvaluationAt(int width, int height) => SecondsPerUnetEvaluation * PixelRatio(width, height);

    /// <summary>Expected seconds from prompt to PNG for a run costing <paramref name="unetEquivalents"/> full batch-1 passes.</summary>
    public double ExpectedSeconds(double unetEquivalents, int width, int height) =>
        TextEncodeSeconds + unetEquivalents * SecondsPerUnetEvaluationAt(width, height) + DecodeSeconds * PixelRatio(width, height);

    private double PixelRatio(int width, int height)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"The size must be positive (got {width}x{height}).");
        return (double)width * height / ((double)Width * Height);
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace CMLoRA.Engine.Conformance;

/// <summary>
/// The bound one reference tensor must meet. The budget comes from the reference itself: its fp32 outputs differ
/// from their float64 twin by at most ≈ 5.6e-6 (relative) and changing only the thread count moves them by ≈ 6e-6,
/// so an fp32 implementation of the same maths lands within 1e-5; <see cref="Component"/> leaves a factor of ten.
/// A sampling loop feeds each step's error into the next and CFG 7.5 amplifies it, so trajectories get 1e-3.
/// </summary>
public readonly partial record struct ConformanceTolerance(ToleranceMetric Metric, double Limit)
{
    /// <summary>Component outputs (UNet, VAE, text encoder, with and without LoRA) and prompt embeddings: relative ≤ 1e-4.</summary>
    public static ConformanceTolerance Component { get; } = new(ToleranceMetric.Relative, 1e-4);

    /// <summary>
    /// Schedule tables and inputs echoed by a run (timesteps, sigmas, ᾱ, init noise sigma, init noise): relative ≤ 1e-6,
    /// float32 round-off of the same formulas.
    /// </summary>
    public static ConformanceTolerance Schedule { get; } = new(ToleranceMetric.Relative, 1e-6);

    /// <summary>Every per-step tensor of a sampling loop, the final latents and the raw decode: relative ≤ 1e-3.</summary>
    public static ConformanceTolerance Trajectory { get; } = new(ToleranceMetric.Relative, 1e-3);

    /// <summary>The post-processed image in [0, 1]: max abs ≤ 1e-3 (mostly clamped pixels, so a relative norm says little).</summary>
    public static ConformanceTolerance Image { get; } = new(ToleranceMetric.MaxAbs, 1e-3);

    /// <summary>The tolerance of tensor <paramref name="tensor"/> of reference file <paramref name="file"/>.</summary>
    public static ConformanceTolerance For(string file, string tensor)
    {
        if (!file.StartsWith("sampling_", StringComparison.Ordinal)) return Component;
        return tensor switch
        {
            "timesteps" or "sigmas" or "alphas_cumprod" or "init_noise_sigma" or "init_noise" => Schedule,
            "prompt_embeds" or "negative_prompt_embeds" => Component,
            "image_0_1" => Image,
            _ when StepTimestep().IsMatch(tensor) => Schedule,
            _ => Trajectory,
        };
    }

    /// <summary>Whether an error pair is within this bound (NaN never is).</summary>
    public bool Accepts(double maxAbs, double relative) => (Metric == ToleranceMetric.Relative ? relative : maxAbs) <= Limit;

    /// <summary>"rel ≤ 1e-04" or "max abs ≤ 1e-03".</summary>
    public override string ToString() =>
        (Metric == ToleranceMetric.Relative ? "rel ≤ " : "max abs ≤ ") + Limit.ToString("0e+00", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^step\d+_timestep$", RegexOptions.CultureInvariant)]
    private static partial Regex StepTimestep();
}

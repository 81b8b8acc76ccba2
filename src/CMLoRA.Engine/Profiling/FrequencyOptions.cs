namespace CMLoRA.Engine.Profiling;

/// <summary>
/// Options of <see cref="FrequencyStatistic"/>. The defaults reproduce the reference's offline profiling (spec 3.3,
/// <c>fft_analysis.ipynb</c>): a decoded image in [0, 1], turned into 8-bit grey, log amplitude, cut-off 72 of 512.
/// </summary>
public sealed record FrequencyOptions
{
    /// <summary>The reference's high-frequency cut-off: radius 72 on a 512×512 image.</summary>
    public const double ReferenceCutoffFraction = 72.0 / 512.0;

    /// <summary>Offset added to |F| before the logarithm, as the reference (ln(|F| + 1e-8)).</summary>
    public const double LogEpsilon = 1e-8;

    /// <summary>
    /// Cut-off radius as a fraction of the image's shorter side: r0 = round(fraction·min(H, W)), half away from zero.
    /// 72/512 by default, so 72 at 512², 108 at 1024×768 and 9 on a 64×64 latent.
    /// </summary>
    public double CutoffFraction { get; init; } = ReferenceCutoffFraction;

    /// <summary>Average ln(|F| + 1e-8) instead of |F| (default true, as the offline profiling; the online detector used |F|).</summary>
    public bool LogAmplitude { get; init; } = true;

    /// <summary>Input values are multiplied by this first: 255 (default) for images in [0, 1]; 1 for 0–255 images or latents.</summary>
    public double PixelScale { get; init; } = 255;

    /// <summary>Truncate the grey image to whole values in [0, 255] as the reference's uint8 conversion does (default true).</summary>
    public bool QuantizeToBytes { get; init; } = true;

    /// <summary>Preset for latents or any raw field: raw magnitude, no scaling, no quantisation.</summary>
    public static FrequencyOptions RawField { get; } = new() { LogAmplitude = false, PixelScale = 1, QuantizeToBytes = false };
}

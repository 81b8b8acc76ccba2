// Spec 3.3: the radial-profile statistic H of the reference's offline profiling (fft_analysis.ipynb, cell 5).
using CMLoRA.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Profiling;

/// <summary>
/// Frequency profiling of images: F = fftshift(fft2(grey)), A = ln(|F| + 1e-8) (or |F|), P[r] = mean of A over the
/// pixels at integer radius r from the centre (⌊H/2⌋, ⌊W/2⌋), P_rel = P / max(P), and H = mean(P_rel[r0 …]).
/// A LoRA's score is H of an image rendered with that LoRA alone.
/// </summary>
public static class FrequencyStatistic
{
    /// <summary>
    /// Profiles an image tensor: [H, W], [C, H, W] or [B, C, H, W] (any device and floating type). Channels are averaged
    /// into grey; for a batch, the amplitude spectra are averaged over the batch before binning.
    /// </summary>
    /// <exception cref="ArgumentException">Bad shape, non-finite values, no spectral energy, or an empty high-frequency band.</exception>
    public static RadialProfile Profile(Tensor image, FrequencyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        options ??= new FrequencyOptions();
        CheckOptions(options);
        if (image.dim() is < 2 or > 4)
            throw new ArgumentException($"Expected an image of shape [H, W], [C, H, W] or [B, C, H, W], got [{string.Join(", ", image.shape)}].", nameof(image));
        if (!image.is_floating_point())
            throw new ArgumentException($"Expected a floating-point image, got {image.dtype}.", nameof(image));

        int height = (int)image.shape[^2], width = (int)image.shape[^1];
        if (height < 1 || width < 1)
            throw new ArgumentException("The image is empty.", nameof(image));

        double[] amplitude;
        using (NewDisposeScope())
        {
            var x = image.detach().to(CPU).to_type(ScalarType.Float64).Times(options.PixelScale);
            var grey = image.dim() switch
            {
                2 => x.unsqueeze(0),
                3 => x.mean([0]).unsqueeze(0),
                _ => x.mean([1]),
            };
            if (options.QuantizeToBytes) grey = grey.clamp(Scalars.Zero, Scalars.TwoFiftyFive).trunc();
            var spectrum = fft.fftshift(fft.fft2(grey), [-2, -1]).abs();
            if (options.LogAmplitude) spectrum = spectrum.Plus(FrequencyOptions.LogEpsilon).log();
            amplitude = spectrum.mean([0]).contiguous().data<double>().ToArray();
        }
        return FromAmplitudeSpectrum(amplitude, height, width, options.CutoffFraction);
    }

    /// <summary>Profiles a grey image given row-major as <paramref name="height"/>×<paramref name="width"/> values.</summary>
    public static RadialProfile Profile(float[] grey, int height, int width, FrequencyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(grey);
        if (height < 1 || width < 1 || (long)height * width != grey.Length)
            throw new ArgumentException($"{grey.Length} values do not form a {height}×{width} image.", nameof(grey));
        using var tensor = torch.tensor(grey, [height, width]);
        return Profile(tensor, options);
    }

    /// <summary>The cut-off radius r0 = round(fraction·min(H, W)), half away from zero: 72 for 512² at 72/512.</summary>
    public static int CutoffRadius(int height, int width, double cutoffFraction) =>
        (int)Math.Round(cutoffFraction * Math.Min(height, width), MidpointRounding.AwayFromZero);

    /// <summary>The largest radius of an H×W spectrum centred at (⌊H/2⌋, ⌊W/2⌋): 362 for 512², 45 for 64².</summary>
    public static int MaxRadius(int height, int width)
    {
        long cy = height / 2, cx = width / 2;
        return (int)Math.Sqrt(cy * cy + cx * cx);
    }

    /// <summary>Bins a centred amplitude spectrum (row-major H×W, already logged if wanted) into a radial profile and scores it.</summary>
    /// <exception cref="ArgumentException">The spectrum has non-finite values or no energy, or the high-frequency band is empty.</exception>
    public static RadialProfile FromAmplitudeSpectrum(double[] amplitude, int height, int width, double cutoffFraction)
    {
        ArgumentNullException.ThrowIfNull(amplitude);
        if ((long)height * width != amplitude.Length)
            throw new ArgumentException($"{amplitude.Length} values do not form a {height}×{width} spectrum.", nameof(amplitude));
        int maxRadius = MaxRadius(height, width);
        int cutoff = CutoffRadius(height, width, cutoffFraction);
        if (cutoff > maxRadius)
            throw new ArgumentException(
                $"The high-frequency band is empty: the cut-off radius {cutoff} exceeds the largest radius {maxRadius} " +
                $"of a {height}×{width} image. Lower the cut-off fraction ({cutoffFraction:0.####}) or profile a larger image.",
                nameof(cutoffFraction));

        var sums = new double[maxRadius + 1];
        var counts = new long[maxRadius + 1];
        int cy = height / 2, cx = width / 2;
        for (int y = 0; y < height; y++)
        {
            long dy = y - cy;
            for (int x = 0; x < width; x++)
            {
                long dx = x - cx;
                int r = (int)Math.Sqrt(dx * dx + dy * dy);
                double a = amplitude[y * width + x];
                if (!double.IsFinite(a))
                    throw new ArgumentException("The image has non-finite values (NaN or infinity); it cannot be profiled.", nameof(amplitude));
                sums[r] += a;
                counts[r]++;
            }
        }

        // Every radius 0..maxRadius is hit on a pixel grid (the radius grows by at most 1 per pixel along a row or a column).
        var profile = new double[maxRadius + 1];
        for (int r = 0; r <= maxRadius; r++) profile[r] = sums[r] / counts[r];
        double peak = profile.Max();
        if (!(peak > 0))
            throw new ArgumentException("The image has no spectral energy (its largest radial amplitude is not positive); it cannot be profiled.", nameof(amplitude));

        var relative = new double[profile.Length];
        double band = 0;
        for (int r = 0; r < profile.Length; r++)
        {
            relative[r] = profile[r] / peak;
            if (r >= cutoff) band += relative[r];
        }
        return new RadialProfile(profile, relative, cutoff, band / (maxRadius - cutoff + 1), height, width);
    }

    private static void CheckOptions(FrequencyOptions options)
    {
        if (!(options.CutoffFraction >= 0) || double.IsInfinity(options.CutoffFraction))
            throw new ArgumentException($"The cut-off fraction must be a finite number ≥ 0, not {options.CutoffFraction}.", nameof(options));
        if (!(options.PixelScale > 0) || double.IsInfinity(options.PixelScale))
            throw new ArgumentException($"The pixel scale must be a finite positive number, not {options.PixelScale}.", nameof(options));
    }
}

namespace CMLoRA.Engine.Profiling;

/// <summary>
/// The radial amplitude profile of an image's centred spectrum and its high-frequency score (spec 3.3). Index r of the
/// profile arrays is the integer radius ⌊√(dx² + dy²)⌋ from the spectrum centre, r = 0 … <see cref="MaxRadius"/>.
/// </summary>
/// <param name="Amplitude">P[r]: mean (log) amplitude over the pixels at radius r.</param>
/// <param name="Relative">P_rel[r] = P[r] / max(P): the curve to chart.</param>
/// <param name="CutoffRadius">r0: radii from here on form the high-frequency band.</param>
/// <param name="HighFrequencyScore">H = mean(P_rel[r0 …]): higher means more high-frequency content.</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="Width">Image width in pixels.</param>
public sealed record RadialProfile(
    IReadOnlyList<double> Amplitude,
    IReadOnlyList<double> Relative,
    int CutoffRadius,
    double HighFrequencyScore,
    int Height,
    int Width)
{
    /// <summary>Largest radius in the image: ⌊√(⌊W/2⌋² + ⌊H/2⌋²)⌋.</summary>
    public int MaxRadius => Amplitude.Count - 1;
}

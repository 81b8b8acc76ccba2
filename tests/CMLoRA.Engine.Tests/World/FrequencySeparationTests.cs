using CMLoRA.Engine.World;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.World;

/// <summary>
/// Styles must live in high spatial frequencies and backgrounds in low ones, or frequency profiling of the demo
/// LoRAs cannot separate them. The statistic is the mean spectral energy above a radial cutoff (see
/// <see cref="HighFrequencyEnergy"/>), averaged over a few render seeds.
/// </summary>
public class FrequencySeparationTests(ITestOutputHelper output)
{
    private const int Seeds = 4;
    private const double Cutoff = 12; // cycles per image; Nyquist is 32

    [Fact]
    public void Every_style_has_more_high_frequency_energy_than_every_background()
    {
        // Style-only: a plain-background scene whose one extra concept is the style.
        // Background-only: the same character on the background, no style.
        var character = new SceneSpec("circle", "red", Eyes: true, Smile: false, Background: "plain");
        var styles = ConceptCatalog.InCategory(ConceptCategory.Style)
            .ToDictionary(c => c.Id, c => MeanHighFrequencyEnergy(seed => SceneRenderer.Render(character with { Style = c.Id }, seed)));
        var backgrounds = ConceptCatalog.InCategory(ConceptCategory.Background)
            .ToDictionary(c => c.Id, c => MeanHighFrequencyEnergy(seed => SceneRenderer.Render(character with { Background = c.Id }, seed)));

        foreach (var (id, energy) in styles.Concat(backgrounds)) output.WriteLine($"{id,-16} {energy:F5}");
        double weakestStyle = styles.Values.Min(), strongestBackground = backgrounds.Values.Max();
        Assert.True(weakestStyle > 2 * strongestBackground,
            $"weakest style {weakestStyle:F5} is not at least twice the strongest background {strongestBackground:F5}");
    }

    [Fact]
    public void Backgrounds_alone_are_almost_entirely_low_frequency()
    {
        var spec = new SceneSpec("circle", "red", Eyes: false, Smile: false, Background: "plain");
        foreach (var background in ConceptCatalog.InCategory(ConceptCategory.Background))
        {
            double energy = MeanHighFrequencyEnergy(seed => SceneRenderer.Render(spec with { Background = background.Id }, seed, SceneLayers.Background));
            output.WriteLine($"{background.Id,-16} {energy:F5}");
            Assert.True(energy < 0.0005, $"{background.Id}: high-frequency energy {energy:F5} above {Cutoff} cycles");
        }
    }

    private static double MeanHighFrequencyEnergy(Func<long, float[]> render) =>
        Enumerable.Range(0, Seeds).Average(seed => HighFrequencyEnergy(render(seed)));

    /// <summary>
    /// Mean high-frequency energy per pixel and channel: the power above <see cref="Cutoff"/> cycles per image, with the
    /// mean removed. The picture is mirrored into a 128×128 tile first (a DCT-style extension) so the FFT's
    /// wrap-around cannot turn a top-to-bottom gradient into a hard edge that would leak power into high frequencies.
    /// </summary>
    internal static double HighFrequencyEnergy(float[] chw)
    {
        int n = SceneRenderer.ImageSize, m = 2 * n;
        using var image = tensor(chw, new long[] { 3, n, n });
        using var wide = cat(new[] { image, image.flip(2) }, 2);
        using var tile = cat(new[] { wide, wide.flip(1) }, 1);
        using var centred = tile - tile.mean(new long[] { 1, 2 }, keepdim: true);
        using var spectrum = fft.fft2(centred);
        using var power = spectrum.abs().square();
        using var freq = fft.fftfreq(m) * n; // cycles per original 64-pixel width
        using var radius = (freq.unsqueeze(1).square() + freq.unsqueeze(0).square()).sqrt();
        using var high = power * (radius > Cutoff).to_type(ScalarType.Float32);
        // Parseval: sum |F|² = m² · sum |x|², so this is the high-frequency part of the mean squared pixel value.
        return high.sum().item<float>() / (3.0 * m * m * m * m);
    }
}

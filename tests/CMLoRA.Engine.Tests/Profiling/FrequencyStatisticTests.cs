using CMLoRA.Engine.Profiling;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Profiling;

public class FrequencyStatisticTests
{
    [Theory]
    [InlineData(512, 512, 72)]
    [InlineData(256, 256, 36)]
    [InlineData(1024, 768, 108)]
    [InlineData(768, 1024, 108)]
    [InlineData(64, 64, 9)]
    public void CutoffScalesWithTheShorterSide(int height, int width, int expected)
    {
        Assert.Equal(expected, FrequencyStatistic.CutoffRadius(height, width, FrequencyOptions.ReferenceCutoffFraction));
    }

    [Theory]
    [InlineData(512, 512, 362)] // spec 3.3
    [InlineData(64, 64, 45)]    // spec 3.6: 46 bins on a 64×64 latent
    [InlineData(128, 96, 80)]   // spec 3.6: a 1024×768 image's latent
    [InlineData(4, 4, 2)]
    public void MaxRadiusMatchesTheSpec(int height, int width, int expected)
    {
        Assert.Equal(expected, FrequencyStatistic.MaxRadius(height, width));
    }

    [Fact]
    public void BinsByTruncatedRadiusAndNormalisesByThePeak()
    {
        // Centre (2, 2) of a 4×4 spectrum: radius 0 at the centre, radius 1 at 8 pixels, radius 2 at the other 7.
        double[] spectrum =
        [
            1, 1, 1, 1,
            3, 4, 4, 4,
            3, 4, 10, 4,
            3, 4, 4, 12,
        ];
        var profile = FrequencyStatistic.FromAmplitudeSpectrum(spectrum, 4, 4, cutoffFraction: 0.25);
        Assert.Equal([10, 5, 13.0 / 7], profile.Amplitude);
        Assert.Equal([1, 0.5, 13.0 / 70], profile.Relative);
        Assert.Equal(1, profile.CutoffRadius);
        Assert.Equal(12.0 / 35, profile.HighFrequencyScore, 15);
        Assert.Equal(2, profile.MaxRadius);
    }

    [Fact]
    public void AnImpulseHasAFlatSpectrumAndScoresOne()
    {
        var grey = new float[32 * 32];
        grey[0] = 1;
        var profile = FrequencyStatistic.Profile(grey, 32, 32, FrequencyOptions.RawField);
        Assert.All(profile.Relative, r => Assert.Equal(1.0, r, 12));
        Assert.Equal(1.0, profile.HighFrequencyScore, 12);
    }

    [Fact]
    public void AConstantImageHasOnlyDcAndScoresZero()
    {
        var grey = Enumerable.Repeat(0.5f, 32 * 32).ToArray();
        var profile = FrequencyStatistic.Profile(grey, 32, 32, FrequencyOptions.RawField);
        Assert.Equal(32 * 32 * 0.5, profile.Amplitude[0], 9);
        Assert.Equal(1.0, profile.Relative[0]);
        Assert.Equal(0.0, profile.HighFrequencyScore, 12);
    }

    [Theory]
    [InlineData(true, 0.005)]
    [InlineData(false, 0.015)]
    public void CheckerboardScoresHigherThanASmoothGradient(bool logAmplitude, double margin)
    {
        // A one-pixel checkerboard puts its energy at the Nyquist corner, the largest radius; both images carry the
        // same faint noise, as real renders do, so that the logarithm never sees an exactly empty spectrum.
        const int size = 64;
        var options = new FrequencyOptions { LogAmplitude = logAmplitude };
        using var checkerImage = Image(size, (y, x) => (x + y) % 2 == 0 ? 0.9 : 0.1);
        using var gradientImage = Image(size, (y, x) => 0.1 + 0.8 * (x + y) / (2.0 * size));
        var checker = FrequencyStatistic.Profile(checkerImage, options);
        var gradient = FrequencyStatistic.Profile(gradientImage, options);
        Assert.True(checker.HighFrequencyScore > gradient.HighFrequencyScore + margin,
            $"checkerboard {checker.HighFrequencyScore:0.0000} vs gradient {gradient.HighFrequencyScore:0.0000}");
        Assert.Equal(9, checker.CutoffRadius);
        Assert.Equal(46, checker.Relative.Count);
        // Raw amplitude: Nyquist/DC = 0.4/0.5 = 0.8 (before noise and byte truncation); the logarithm compresses it towards 1.
        Assert.InRange(checker.Relative[45], 0.78, 1.0);
    }

    [Fact]
    public void FineTextureScoresFarHigherThanASmoothGradient()
    {
        var texture = new Random(99);
        using var textureImage = Image(64, (y, x) => 0.5 + (texture.NextDouble() - 0.5) * 0.8);
        using var gradientImage = Image(64, (y, x) => 0.1 + 0.8 * (x + y) / 128.0);
        double textured = FrequencyStatistic.Profile(textureImage).HighFrequencyScore;
        double smooth = FrequencyStatistic.Profile(gradientImage).HighFrequencyScore;
        Assert.True(textured > smooth + 0.2, $"texture {textured:0.0000} vs gradient {smooth:0.0000}");
    }

    [Fact]
    public void CutoffFollowsTheImageSize()
    {
        using var smallImage = Image(64, (y, x) => (x + y) % 2);
        using var largeImage = Image(128, (y, x) => (x + y) % 2);
        var small = FrequencyStatistic.Profile(smallImage, FrequencyOptions.RawField);
        var large = FrequencyStatistic.Profile(largeImage, FrequencyOptions.RawField);
        Assert.Equal(9, small.CutoffRadius);
        Assert.Equal(18, large.CutoffRadius);
        Assert.Equal(91, large.Relative.Count);
    }

    [Fact]
    public void EmptyHighFrequencyBandIsAnErrorNotNaN()
    {
        // The reference's online detector: cut-off 80 on a 64×64 latent (spec 3.6, 9.6).
        using var latent = randn(4, 64, 64, generator: new TorchSharp.torch.Generator(7));
        var options = FrequencyOptions.RawField with { CutoffFraction = 80.0 / 64 };
        var error = Assert.Throws<ArgumentException>(() => FrequencyStatistic.Profile(latent, options));
        Assert.StartsWith(
            "The high-frequency band is empty: the cut-off radius 80 exceeds the largest radius 45 of a 64×64 image. " +
            "Lower the cut-off fraction (1.25) or profile a larger image.", error.Message);
    }

    [Fact]
    public void ChannelsAreAveragedAndBatchesPooled()
    {
        using var grey = tensor(Pattern(32), [32, 32]);
        using var rgb = grey.unsqueeze(0).expand(3, 32, 32).contiguous();
        using var batch = rgb.unsqueeze(0).expand(2, 3, 32, 32).contiguous();
        var fromGrey = FrequencyStatistic.Profile(grey);
        var fromRgb = FrequencyStatistic.Profile(rgb);
        var fromBatch = FrequencyStatistic.Profile(batch);
        var fromArray = FrequencyStatistic.Profile(Pattern(32), 32, 32);
        Assert.Equal(fromGrey.HighFrequencyScore, fromRgb.HighFrequencyScore, 12);
        Assert.Equal(fromGrey.HighFrequencyScore, fromBatch.HighFrequencyScore, 12);
        Assert.Equal(fromGrey.HighFrequencyScore, fromArray.HighFrequencyScore, 12);
    }

    [Fact]
    public void ImagesAreQuantisedLikeTheReferenceUnlessAskedNotTo()
    {
        // (k + 0.1)/255 and (k + 0.6)/255 give the same byte k once scaled to 0–255 and truncated.
        var bytes = Pattern(16).Select(v => MathF.Round(v * 200)).ToArray();
        using var a = tensor(bytes.Select(k => (k + 0.1f) / 255).ToArray(), [16, 16]);
        using var b = tensor(bytes.Select((k, i) => (k + (i % 3 == 0 ? 0.6f : 0.1f)) / 255).ToArray(), [16, 16]);
        Assert.Equal(FrequencyStatistic.Profile(a).Amplitude, FrequencyStatistic.Profile(b).Amplitude);
        var raw = new FrequencyOptions { QuantizeToBytes = false };
        Assert.NotEqual(FrequencyStatistic.Profile(a, raw).Amplitude, FrequencyStatistic.Profile(b, raw).Amplitude);
    }

    [Fact]
    public void ABlackImageHasNoSpectralEnergy()
    {
        var error = Assert.Throws<ArgumentException>(() => FrequencyStatistic.Profile(new float[64], 8, 8, FrequencyOptions.RawField));
        Assert.StartsWith("The image has no spectral energy", error.Message);
    }

    [Fact]
    public void NonFiniteValuesAreRefused()
    {
        var grey = new float[64];
        grey[5] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => FrequencyStatistic.Profile(grey, 8, 8, FrequencyOptions.RawField));
        Assert.StartsWith("The image has non-finite values", error.Message);
    }

    [Fact]
    public void BadShapesAreRefused()
    {
        using var vector = zeros(16);
        Assert.Throws<ArgumentException>(() => FrequencyStatistic.Profile(vector));
        using var integers = zeros([8, 8], ScalarType.Int32);
        Assert.Throws<ArgumentException>(() => FrequencyStatistic.Profile(integers));
        Assert.Throws<ArgumentException>(() => FrequencyStatistic.Profile(new float[10], 3, 3));
    }

    private static Tensor Image(int size, Func<int, int, double> value)
    {
        var pixels = new float[size * size];
        var noise = new Random(1234);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                pixels[y * size + x] = (float)Math.Clamp(value(y, x) + (noise.NextDouble() - 0.5) * 0.02, 0, 1);
        return tensor(pixels, [size, size]);
    }

    private static float[] Pattern(int size) =>
        Enumerable.Range(0, size * size).Select(i => (float)((i % size * 7 + i / size * 3) % 11) / 10f).ToArray();
}

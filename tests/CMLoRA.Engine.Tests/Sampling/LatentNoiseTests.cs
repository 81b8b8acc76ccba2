using CMLoRA.Engine.Sampling;

namespace CMLoRA.Engine.Tests.Sampling;

public class LatentNoiseTests
{
    [Fact]
    public void SeedZeroReproducesPyTorchsPublishedDraws()
    {
        // torch.manual_seed(0); torch.randn(2, 3) and torch.randn(4, 4) in PyTorch (4 decimals as printed):
        // the scalar path (< 16 values) and the vectorised Box–Muller path (≥ 16 values) of the CPU generator.
        using var small = LatentNoise.Create(0, [2, 3]);
        Assert.Equal([1.5410, -0.2934, -2.1788, 0.5684, -1.0845, -1.3986], small.data<float>().ToArray().Select(v => Math.Round(v, 4)));
        using var large = LatentNoise.Create(0, [4, 4]);
        Assert.Equal([-1.1258, -1.1524, -0.2506, -0.4339, 0.8487, 0.6920, -0.3160, -2.1152],
            large.data<float>().ToArray().Take(8).Select(v => Math.Round(v, 4)));
    }

    [Fact]
    public void ASharedGeneratorGivesTheKthImageTheKthDraw()
    {
        using var generator = LatentNoise.CreateGenerator(42);
        using var first = LatentNoise.Draw(generator, [1, 4, 8, 8]);
        using var second = LatentNoise.Draw(generator, [1, 4, 8, 8]);
        using var fresh = LatentNoise.Create(42, [1, 4, 8, 8]);
        Assert.Equal(fresh.data<float>().ToArray(), first.data<float>().ToArray());
        Assert.NotEqual(first.data<float>().ToArray(), second.data<float>().ToArray());
    }

    [Fact]
    public void TheSourceRecordNamesTheGenerator()
    {
        var source = LatentNoise.Describe(1234, [1, 4, 64, 64]);
        Assert.Equal(new NoiseSource(1234, "torch-cpu-mt19937", source.Shape), source);
        Assert.Equal([1L, 4, 64, 64], source.Shape);
        using var noise = LatentNoise.Create(1234, [1, 4, 64, 64]);
        Assert.Equal(TorchSharp.torch.ScalarType.Float32, noise.dtype);
        Assert.Equal(TorchSharp.DeviceType.CPU, noise.device.type);
    }
}

using CMLoRA.Engine.Benchmarks;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Benchmarks;

public class KernelBenchmarksTests
{
    [Fact]
    public void UnfoldConvolutionEqualsConv2d()
    {
        using var scope = NewDisposeScope();
        using var guard = no_grad();
        var generator = new Generator(3);
        var x = randn(2, 16, 5, 7, generator: generator);
        var w = randn(24, 16, 3, 3, generator: generator);
        var expected = nn.functional.conv2d(x, w, padding: [1, 1]);
        var actual = KernelBenchmarks.UnfoldConv3x3(x, w.reshape(24, 16 * 9));
        Assert.Equal(expected.shape, actual.shape);
        // float32 sums of 144 products of unit normals (|y| up to ~40): summation order differs.
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-4));
    }
}

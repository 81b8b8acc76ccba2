using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Foundation;

/// <summary>
/// libtorch 2.10's CPU convolution returns wrong results on this machine for some shapes (e.g. 24 input channels at 32×32, 36 at
/// 40×40, 100 at 31×31: errors of order 1, with or without ONEDNN_MAX_CPU_ISA=AVX2). These cases pin the shapes the
/// engine's models use — SD's 4-channel conv_in at 64×64 and channel counts that are multiples of 16 — against the
/// same convolution computed as unfold + matmul, so a libtorch change that breaks them fails here.
/// </summary>
public class ConvolutionCorrectnessTests
{
    [Theory]
    [InlineData(4, 64, 64)]
    [InlineData(320, 32, 32)]
    [InlineData(3, 64, 64)]
    public void Conv2dMatchesUnfoldMatmul(int channels, int height, int width)
    {
        using var guard = no_grad();
        using var generator = new TorchSharp.torch.Generator(5);
        using var x = randn([2, channels, height, width], generator: generator);
        using var w = randn([32, channels, 3, 3], generator: generator) * 0.1;
        using var direct = nn.functional.conv2d(x, w, padding: [1, 1]);

        using var columns = nn.functional.unfold(x, 3, padding: 1);               // [2, C·9, H·W]
        using var reference = w.reshape(32, -1).matmul(columns).reshape(2, 32, height, width);
        float worst = (direct - reference).abs().max().item<float>();
        Assert.True(worst < 1e-3f, $"conv2d differs from unfold+matmul by {worst} for {channels} channels at {height}×{width}");
    }
}

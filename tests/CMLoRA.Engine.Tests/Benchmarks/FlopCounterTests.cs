using CMLoRA.Engine.Benchmarks;
using CMLoRA.Engine.Models.Blocks;
using CMLoRA.Engine.Models.Clip;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Benchmarks;

public class FlopCounterTests
{
    private static double Count(nn.Module module, Func<Tensor> forward)
    {
        using var guard = no_grad();
        using var counter = new FlopCounter(module);
        using (forward()) { }
        return counter.Flops;
    }

    [Fact]
    public void LinearCountsTwoMultiplyAddsPerOutputAndInput()
    {
        using var linear = nn.Linear(3, 5);
        using var flat = ones(4, 3);
        using var tokens = ones(2, 6, 3);
        Assert.Equal(2.0 * 4 * 5 * 3, Count(linear, () => linear.call(flat)));
        Assert.Equal(2.0 * 2 * 6 * 5 * 3, Count(linear, () => linear.call(tokens)));
    }

    [Fact]
    public void ConvCountsKernelAreaTimesInputChannelsPerOutput()
    {
        using var same = nn.Conv2d(2, 3, 3, padding: 1);
        using var strided = nn.Conv2d(2, 3, 3, stride: 2, padding: 1);
        using var pointwise = nn.Conv2d(2, 3, 1);
        using var x = ones(1, 2, 4, 4);
        Assert.Equal(1728.0, Count(same, () => same.call(x)));         // 3·4·4 outputs × 2·9 × 2
        Assert.Equal(432.0, Count(strided, () => strided.call(x)));    // 3·2·2 outputs × 2·9 × 2
        Assert.Equal(192.0, Count(pointwise, () => pointwise.call(x))); // 3·4·4 outputs × 2 × 2
    }

    [Fact]
    public void CrossAttentionCountsProjectionsAndBothMatmuls()
    {
        // 2 × 5 queries of width 8 (2 heads of 4) attending to 2 × 3 context tokens of width 6.
        using var attention = new Attention(8, 6, 2, 4, qkvBias: false, LayerFactory.Cpu);
        using var hidden = ones(2, 5, 8);
        using var context = ones(2, 3, 6);
        // to_q 1280 + to_k 576 + to_v 576 + to_out 1280 + QKᵀ·V 4·2·5·3·8 = 960
        Assert.Equal(4672.0, Count(attention, () => attention.call(hidden, context)));
    }

    [Fact]
    public void SelfAttentionUsesTheQueriesAsKeys()
    {
        using var attention = new Attention(8, null, 2, 4, qkvBias: false, LayerFactory.Cpu);
        using var hidden = ones(2, 5, 8);
        // four 2·(2·5·8)·8 = 1280 projections + 4·2·5·5·8 = 1600
        Assert.Equal(6720.0, Count(attention, () => attention.call(hidden, null)));
    }

    [Fact]
    public void SpatialAttentionOfTheVaeCountsPixelsAsTokens()
    {
        using var attention = new Attention(8, null, 1, 8, qkvBias: true, LayerFactory.Cpu, groupNormGroups: 2);
        using var image = ones(1, 8, 3, 3);
        // 9 tokens of width 8: four 2·9·8·8 = 1152 projections + 4·1·9·9·8 = 2592
        Assert.Equal(7200.0, Count(attention, () => attention.call(image, null)));
    }

    [Fact]
    public void ClipAttentionCountsTheFullScoreMatrix()
    {
        var config = ClipTextConfig.StableDiffusion15 with { HiddenSize = 8, NumAttentionHeads = 2 };
        using var attention = new CLIPAttention(config);
        using var hidden = ones(2, 4, 8);
        // four 2·(2·4·8)·8 = 1024 projections + 4·2·4·4·8 = 1024 (the causal half is not discounted)
        Assert.Equal(5120.0, Count(attention, () => attention.call(hidden)));
    }

    [Fact]
    public void CountsAccumulateUntilResetAndStopAfterDispose()
    {
        using var guard = no_grad();
        using var linear = nn.Linear(3, 5);
        using var x = ones(4, 3);
        var counter = new FlopCounter(linear);
        using (linear.call(x)) { }
        using (linear.call(x)) { }
        Assert.Equal(240.0, counter.Flops);
        counter.Reset();
        Assert.Equal(0.0, counter.Flops);
        counter.Dispose();
        using (linear.call(x)) { }
        Assert.Equal(0.0, counter.Flops);
    }
}

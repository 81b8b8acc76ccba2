using CMLoRA.Engine.Tensors;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>
/// Single operations at the shapes that dominate SD 1.5 at 512² (the first UNet block: 320 channels, 64×64 latent,
/// 4096 tokens, 8 heads of 40), each against the ceiling: which primitive is slow tells where a UNet forward loses time.
/// </summary>
public static class KernelBenchmarks
{
    /// <summary>Measures every kernel with <paramref name="runs"/> timed calls after one warm-up, each beside a matmul (see <see cref="ComputeCeiling.TimeBesideMatmul"/>).</summary>
    public static List<BenchmarkRow> Measure(Device device, int runs)
    {
        using var guard = no_grad();
        using var scope = NewDisposeScope();
        var rows = new List<BenchmarkRow>();
        void Add(string name, double gflop, Func<Tensor> op)
        {
            var (seconds, ceiling) = ComputeCeiling.TimeBesideMatmul(device, () => { using var y = op(); ComputeCeiling.Synchronize(device, y); }, runs);
            rows.Add(new BenchmarkRow(name, seconds, gflop, ceiling));
        }

        // Convolution, in PyTorch's default NCHW layout and channels-last (NHWC strides, same logical shape).
        var x = randn(2, 320, 64, 64, device: device);
        var w = randn(320, 320, 3, 3, device: device);
        double convGflop = 2.0 * 2 * 64 * 64 * 320 * 320 * 9 / 1e9;
        Add("conv 3×3 [2,320,64,64] NCHW", convGflop, () => nn.functional.conv2d(x, w, padding: [1, 1]));
        var xLast = ChannelsLast(x);
        var wLast = ChannelsLast(w);
        Add("conv 3×3 [2,320,64,64] channels-last", convGflop, () => nn.functional.conv2d(xLast, wLast, padding: [1, 1]));

        // The deepest level: 1280 channels on an 8×8 latent (16×16 one level up). Few output positions make the direct
        // convolution inefficient; unfolding the 3×3 patches (im2col) turns it into one large matmul.
        foreach (long side in new long[] { 8, 16 })
        {
            var deep = randn(2, 1280, side, side, device: device);
            var deepWeight = randn(1280, 1280, 3, 3, device: device);
            var flatWeight = deepWeight.reshape(1280, 1280 * 9);
            double deepGflop = 2.0 * 2 * side * side * 1280 * 1280 * 9 / 1e9;
            Add($"conv 3×3 [2,1280,{side},{side}] conv2d", deepGflop, () => nn.functional.conv2d(deep, deepWeight, padding: [1, 1]));
            Add($"conv 3×3 [2,1280,{side},{side}] unfold+matmul", deepGflop, () => UnfoldConv3x3(deep, flatWeight));
        }

        // The projections and feed-forward of a transformer block over 2 × 4096 tokens.
        var tokens = randn(2 * 4096, 320, device: device);
        var proj = randn(320, 320, device: device);
        var ff = randn(2560, 320, device: device);
        Add("linear 8192×320→320 (q/k/v/out)", 2.0 * 8192 * 320 * 320 / 1e9, () => nn.functional.linear(tokens, proj));
        Add("linear 8192×320→2560 (GEGLU proj)", 2.0 * 8192 * 320 * 2560 / 1e9, () => nn.functional.linear(tokens, ff));

        // Self-attention over 4096 tokens: SDPA against the explicit softmax(QKᵀ/√d)·V it replaces.
        var q = randn(2, 8, 4096, 40, device: device);
        var k = randn(2, 8, 4096, 40, device: device);
        var v = randn(2, 8, 4096, 40, device: device);
        double attentionGflop = 4.0 * 2 * 8 * 4096 * 4096 * 40 / 1e9;
        Add("SDPA self 2×8×4096×4096, d 40", attentionGflop, () => nn.functional.scaled_dot_product_attention(q, k, v));
        Add("explicit softmax(QKᵀ)V, same shape", attentionGflop, () =>
        {
            using var scores = q.matmul(k.transpose(-1, -2)).TimesInPlace(1 / Math.Sqrt(40));
            using var weights = scores.softmax(-1);
            return weights.matmul(v);
        });
        var qc = randn(2, 8, 4096, 40, device: device);
        var kc = randn(2, 8, 77, 40, device: device);
        var vc = randn(2, 8, 77, 40, device: device);
        Add("SDPA cross 2×8×4096×77, d 40", 4.0 * 2 * 8 * 4096 * 77 * 40 / 1e9, () => nn.functional.scaled_dot_product_attention(qc, kc, vc));

        // Normalisation has no FLOPs counted: its time is pure overhead relative to the counted work.
        var gnWeight = ones(320, device: device);
        var gnBias = zeros(320, device: device);
        Add("group norm [2,320,64,64], 32 groups", 0, () => nn.functional.group_norm(x, 32, gnWeight, gnBias, 1e-5));
        Add("layer norm 8192×320", 0, () => nn.functional.layer_norm(tokens, [320], gnWeight, gnBias, 1e-5));
        return rows;
    }

    /// <summary>
    /// A 3×3, stride-1, padding-1 convolution without bias computed as im2col + matmul: the [B, C·9, H·W] patches times
    /// the weight flattened to [C_out, C·9]. Equal to <c>conv2d</c> up to float32 rounding.
    /// </summary>
    public static Tensor UnfoldConv3x3(Tensor input, Tensor flatWeight)
    {
        long b = input.shape[0], h = input.shape[2], w = input.shape[3];
        using var patches = nn.functional.unfold(input, 3, padding: 1);
        using var product = flatWeight.matmul(patches);
        return product.view(b, flatWeight.shape[0], h, w);
    }

    // A tensor with the same logical NCHW shape whose memory is NHWC: what PyTorch calls channels_last.
    private static Tensor ChannelsLast(Tensor nchw)
    {
        using var nhwc = nchw.permute(0, 2, 3, 1).contiguous();
        return nhwc.permute(0, 3, 1, 2);
    }
}

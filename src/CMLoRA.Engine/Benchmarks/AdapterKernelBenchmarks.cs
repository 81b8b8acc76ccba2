using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Tensors;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>
/// Where the unmerged-adapter overhead comes from, one layer at a time: the linear layers of a UNet's first
/// transformer block (the largest token count) with a rank-r adapter applied the engine's current way and a fused way
/// (see <see cref="AdapterKernelRow"/>). Both give the same Δy up to rounding.
/// </summary>
public static class AdapterKernelBenchmarks
{
    /// <summary>Measures q/k/v/out, the GEGLU projection and the feed-forward output of the first block at <paramref name="pixels"/>² (CFG pair).</summary>
    public static List<AdapterKernelRow> Measure(UNetConfig config, int pixels, IReadOnlyList<int> ranks, int runs, Device? device = null,
        string? label = null)
    {
        long c = config.BlockOutChannels[0];
        long tokens = 2L * (pixels / 8) * (pixels / 8);
        var layers = new (string Role, long In, long Out)[] { ("q/k/v/out", c, c), ("GEGLU proj", c, 8 * c), ("ff out", 4 * c, c) };
        var rows = new List<AdapterKernelRow>();
        using var guard = no_grad();
        string prefix = label is null ? "" : label + " ";
        foreach (var (role, inFeatures, outFeatures) in layers)
            foreach (int rank in ranks)
                rows.Add(MeasureOne($"{prefix}{role} {tokens}×{inFeatures}→{outFeatures}", tokens, inFeatures, outFeatures, rank, runs, device));
        return rows;
    }

    private static AdapterKernelRow MeasureOne(string name, long tokens, long inFeatures, long outFeatures, int rank, int runs, Device? device)
    {
        using var scope = NewDisposeScope();
        var x = randn(tokens, inFeatures, device: device);
        var w = randn(outFeatures, inFeatures, device: device);
        var down = randn(rank, inFeatures, device: device);
        var up = randn(outFeatures, rank, device: device);
        const float scale = 1f, weight = 0.8f;

        Tensor Base() => nn.functional.linear(x, w);
        Tensor Current() => CurrentAdapter(x, w, down, up, scale, weight);
        Tensor Fused() => FusedAdapter(x, w, down, up, scale, weight);

        // Variants alternate so that a slow phase of a shared machine hits all three; round -1 is a warm-up.
        var times = (Base: new List<double>(), Current: new List<double>(), Fused: new List<double>());
        for (int i = -1; i < runs; i++)
        {
            double b = Stopwatches.Seconds(() => Base().Dispose());
            double current = Stopwatches.Seconds(() => Current().Dispose());
            double fused = Stopwatches.Seconds(() => Fused().Dispose());
            if (i < 0) continue;
            times.Base.Add(b);
            times.Current.Add(current);
            times.Fused.Add(fused);
        }
        return new AdapterKernelRow(name, rank, Stopwatches.Median(times.Base), Stopwatches.Median(times.Current), Stopwatches.Median(times.Fused));
    }

    /// <summary>
    /// y = x·Wᵀ + weight·scale·(x·Aᵀ)·Bᵀ for 2-D <paramref name="x"/>, the way the engine's runtime adapters compute it
    /// (<c>AdapterFactors.ApplyLinear</c>, then <c>AdapterTarget</c>): Δ, Δ·scale, ·weight and the sum are full-size tensors.
    /// </summary>
    public static Tensor CurrentAdapter(Tensor x, Tensor w, Tensor down, Tensor up, float scale, float weight)
    {
        using var y = nn.functional.linear(x, w);
        using var hidden = nn.functional.linear(x, down);
        using var delta = nn.functional.linear(hidden, up);
        using var scaled = delta.Times(scale);
        using var weighted = scaled.Times(weight);
        return y.add(weighted, Scalars.One);
    }

    /// <summary>The same y with the scalars applied to the r-wide hidden and Bᵀ accumulated into the base output in place (one GEMM, no full-size temporary).</summary>
    public static Tensor FusedAdapter(Tensor x, Tensor w, Tensor down, Tensor up, float scale, float weight)
    {
        var y = nn.functional.linear(x, w);
        using var hidden = nn.functional.linear(x, down).TimesInPlace(scale * weight);
        using var upT = up.t();
        return y.addmm_(hidden, upT, 1f, 1f);
    }
}

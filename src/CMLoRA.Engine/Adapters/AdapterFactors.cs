using CMLoRA.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Adapters;

/// <summary>
/// The weight update of one LoRA on one layer: low-rank factors (up · [mid] · down) or a dense ΔW (LoHa,
/// LoKr, DoRA are expanded to dense once at load). <see cref="Scale"/> is alpha / rank; the user's weight
/// multiplies on top at run time. Owns its tensors.
/// </summary>
public sealed class AdapterFactors : IDisposable
{
    public Tensor? Down { get; }
    public Tensor? Up { get; }
    public Tensor? Mid { get; }
    public Tensor? Delta { get; }
    public float Scale { get; }

    private AdapterFactors(Tensor? down, Tensor? up, Tensor? mid, Tensor? delta, float scale)
    {
        Down = down?.detach();
        Up = up?.detach();
        Mid = mid?.detach();
        Delta = delta?.detach();
        Scale = scale;
    }

    /// <summary>Linear: down [r,in], up [out,r]. Conv: down [r,in,kh,kw] (or [r,in,1,1] with mid [r,r,kh,kw]), up [out,r,1,1].</summary>
    public static AdapterFactors LowRank(Tensor down, Tensor up, float scale, Tensor? mid = null)
    {
        if (down.shape[0] != up.shape[1])
            throw new ArgumentException($"rank mismatch: down has {down.shape[0]} rows, up has {up.shape[1]} columns");
        return new AdapterFactors(down, up, mid, null, scale);
    }

    public static AdapterFactors Dense(Tensor delta, float scale = 1f) => new(null, null, null, delta, scale);

    public bool IsLowRank => Delta is null;

    public long Rank => Down?.shape[0] ?? 0;

    /// <summary>Δy for input <paramref name="x"/> of a linear layer (unscaled by the user weight, scaled by alpha/rank).</summary>
    public Tensor ApplyLinear(Tensor x)
    {
        if (Delta is not null)
        {
            using var dense = nn.functional.linear(x, Delta);
            return dense.Times(Scale);
        }
        using var hidden = nn.functional.linear(x, Down!);
        using var up = nn.functional.linear(hidden, Up!);
        return up.Times(Scale);
    }

    /// <summary>Δy for input <paramref name="x"/> of a convolution with the base layer's stride and padding.</summary>
    public Tensor ApplyConv(Tensor x, long[] stride, long[] padding)
    {
        if (Delta is not null)
        {
            using var dense = nn.functional.conv2d(x, Delta, strides: stride, padding: padding);
            return dense.Times(Scale);
        }
        using var hidden = Hidden(x, stride, padding);
        using var up = nn.functional.conv2d(hidden, Up!);
        return up.Times(Scale);
    }

    /// <summary>
    /// output += weight · Δy in place, without full-size temporaries: the alpha/rank scale and the user weight are folded
    /// into the r-wide hidden, and the up projection accumulates into the base output with addmm_. Inference only
    /// (the base output is overwritten). <paramref name="output"/> must be contiguous.
    /// </summary>
    public void AccumulateLinear(Tensor x, Tensor output, float weight)
    {
        long outFeatures = output.shape[^1];
        using var flatOutput = output.view(-1, outFeatures);
        using var flatInput = x.reshape(-1, x.shape[^1]);
        if (Delta is not null)
        {
            flatOutput.addmm_(flatInput, Delta.t(), beta: 1, alpha: Scale * weight);
            return;
        }
        using var hidden = flatInput.matmul(Down!.t());
        hidden.TimesInPlace(Scale * weight);
        using var upT = Up!.t();
        flatOutput.addmm_(hidden, upT);
    }

    /// <summary>output += weight · Δy in place for a convolution (see <see cref="AccumulateLinear"/>).</summary>
    public void AccumulateConv(Tensor x, Tensor output, long[] stride, long[] padding, float weight)
    {
        if (Delta is not null)
        {
            using var dense = nn.functional.conv2d(x, Delta, strides: stride, padding: padding);
            using Scalar alpha = (Scale * weight).ToScalar();
            output.add_(dense, alpha);
            return;
        }
        using var hidden = Hidden(x, stride, padding);
        hidden.TimesInPlace(Scale * weight);
        using var up = nn.functional.conv2d(hidden, Up!);
        output.add_(up, Scalars.One);
    }

    /// <summary>The rank-r hidden of a low-rank convolution adapter: down (with the base stride/padding), or down 1×1 then mid (Tucker).</summary>
    private Tensor Hidden(Tensor x, long[] stride, long[] padding)
    {
        if (Mid is null) return nn.functional.conv2d(x, Down!, strides: stride, padding: padding);
        using var reduced = nn.functional.conv2d(x, Down!);
        return nn.functional.conv2d(reduced, Mid, strides: stride, padding: padding);
    }

    /// <summary>The dense ΔW (already scaled by alpha/rank) with the shape of the base weight.</summary>
    public Tensor DeltaWeight(long[] weightShape)
    {
        if (Delta is not null)
        {
            using var scaled = Delta.Times(Scale);
            return scaled.reshape(weightShape);
        }
        using var scope = NewDisposeScope();
        Tensor delta;
        if (weightShape.Length == 2)
        {
            delta = Up!.matmul(Down!);
        }
        else if (Mid is null)
        {
            // up [out,r,1,1] · down [r,in,kh,kw] → [out,in,kh,kw]
            delta = einsum("or,rikl->oikl", Up!.flatten(1), Down!);
        }
        else
        {
            // Tucker form: up [out,r] · mid [r,r,kh,kw] · down [r,in]
            delta = einsum("or,rskl,si->oikl", Up!.flatten(1), Mid, Down!.flatten(1));
        }
        return delta.Times(Scale).reshape(weightShape).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Down?.Dispose();
        Up?.Dispose();
        Mid?.Dispose();
        Delta?.Dispose();
    }
}

using CMLoRA.Engine.Tensors;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Lora;

/// <summary>
/// The weight-update formulas of LoRA, LoCon, LoHa, LoKr and DoRA (LyCORIS <c>lycoris/modules/*.py</c>, restated in
/// anchors-studios.md §4.2 and §4.5). Inputs are float32 factors; outputs are new tensors; inputs are never disposed.
/// Callers own the dispose scope.
/// </summary>
internal static class LoraDeltaMath
{
    /// <summary>ΔW = up · down, with 4-D conv factors flattened to 2-D; the result has shape [out, prod(down.shape[1..])].</summary>
    public static Tensor LowRank(Tensor up, Tensor down)
    {
        using var up2 = up.reshape(up.shape[0], -1);
        using var down2 = down.reshape(down.shape[0], -1);
        return up2.matmul(down2);
    }

    /// <summary>LoCon with a Tucker core: ΔW[o,i,y,x] = Σ_ab up[o,a]·mid[a,b,y,x]·down[b,i].</summary>
    public static Tensor LowRankTucker(Tensor up, Tensor mid, Tensor down)
    {
        using var up2 = up.reshape(up.shape[0], -1);
        using var down2 = down.reshape(down.shape[0], -1);
        return einsum("oa,abyx,bi->oiyx", up2, mid, down2);
    }

    /// <summary>
    /// Rebuilds a Tucker-decomposed factor: R[p,r,y,x] = Σ_ij t[i,j,y,x]·wa[i,p]·wb[j,r], with wa <c>[rank, out]</c>
    /// and wb <c>[rank, in]</c> (the layout LyCORIS stores for <c>hada_t*</c> and <c>lokr_t2</c>).
    /// </summary>
    public static Tensor Tucker(Tensor t, Tensor wa, Tensor wb) => einsum("ijyx,ip,jr->pryx", t, wa, wb);

    /// <summary>LoHa: ΔW = (w1a·w1b) ⊙ (w2a·w2b), or with Tucker cores Tucker(t1,w1a,w1b) ⊙ Tucker(t2,w2a,w2b).</summary>
    public static Tensor Hadamard(Tensor w1a, Tensor w1b, Tensor w2a, Tensor w2b, Tensor? t1, Tensor? t2)
    {
        using var first = t1 is null ? w1a.matmul(w1b) : Tucker(t1, w1a, w1b);
        using var second = t2 is null ? w2a.matmul(w2b) : Tucker(t2!, w2a, w2b);
        return first.mul(second);
    }

    /// <summary>
    /// Kronecker product kron(w1, w2) for 2-D w1 <c>[a, c]</c> and 2-D or 4-D w2 <c>[b, d(, y, x)]</c>:
    /// result[i·b+j, k·d+l(, y, x)] = w1[i,k]·w2[j,l(, y, x)] (torch.kron with w1 given trailing unit axes).
    /// </summary>
    public static Tensor Kronecker(Tensor w1, Tensor w2)
    {
        long a = w1.shape[0], c = w1.shape[1], b = w2.shape[0], d = w2.shape[1];
        if (w2.dim() == 2)
        {
            using var outer = einsum("ik,jl->ijkl", w1, w2);
            return outer.reshape(a * b, c * d);
        }
        using var outer4 = einsum("ik,jlyx->ijklyx", w1, w2);
        return outer4.reshape(a * b, c * d, w2.shape[2], w2.shape[3]);
    }

    /// <summary>
    /// DoRA. With W the base weight, ΔW the update at multiplier 1, m the DoRA magnitude and s the multiplier:
    /// W' = W + ΔW; D = W' · m / (‖W'‖ + ε); result = W + s·(D − W). ‖·‖ is the L2 norm per output row (over all other
    /// axes) for <see cref="DoraAxis.Output"/>, or per input column (over the output and kernel axes) for
    /// <see cref="DoraAxis.Input"/>; ε is float32 machine epsilon as in LyCORIS.
    /// </summary>
    public static Tensor Dora(Tensor baseWeight, Tensor delta, Tensor magnitude, DoraAxis axis, double multiplier)
    {
        using var merged = baseWeight.add(delta, Scalars.One);
        var unitShape = Enumerable.Repeat(1L, (int)baseWeight.dim()).ToArray();
        Tensor norm;
        if (axis == DoraAxis.Output)
        {
            unitShape[0] = baseWeight.shape[0];
            using var rows = merged.reshape(baseWeight.shape[0], -1);
            using var squares = rows.Squared();
            using var sums = squares.sum(1);
            norm = sums.sqrt();
        }
        else
        {
            unitShape[1] = baseWeight.shape[1];
            using var columns = merged.transpose(0, 1).reshape(baseWeight.shape[1], -1);
            using var squares = columns.Squared();
            using var sums = squares.sum(1);
            norm = sums.sqrt();
        }
        using (norm)
        {
            using var shapedNorm = norm.reshape(unitShape);
            using var safeNorm = shapedNorm.Plus(Float32Epsilon);
            using var shapedMagnitude = magnitude.reshape(unitShape);
            using var factor = shapedMagnitude.div(safeNorm);
            var decomposed = merged.mul(factor);
            if (multiplier == 1.0) return decomposed;
            using (decomposed)
            {
                using var change = decomposed.sub(baseWeight);
                using var scaled = change.Times(multiplier);
                return baseWeight.add(scaled, Scalars.One);
            }
        }
    }

    /// <summary>torch.finfo(torch.float32).eps, the ε LyCORIS adds to the DoRA norm.</summary>
    public const float Float32Epsilon = 1.1920929e-07f;
}

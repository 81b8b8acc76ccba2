using CMLoRA.Engine.Tensors;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Sampling;

/// <summary>Classifier-free guidance (Ho &amp; Salimans, 2022) as diffusers' SD pipeline applies it (CMLoRA spec §1.4).</summary>
public static class Guidance
{
    /// <summary>ε = ε_u + s·(ε_c − ε_u), in that operation order.</summary>
    public static Tensor Apply(Tensor uncond, Tensor text, double scale)
    {
        using var difference = text - uncond;
        using var scaled = difference.Times(scale);
        return uncond.add(scaled, Scalars.One);
    }

    /// <summary>Splits a batched UNet output [uncond; cond] (batch 2n) and applies <see cref="Apply"/>.</summary>
    public static Tensor ApplyBatched(Tensor batchedOutput, double scale)
    {
        long n = batchedOutput.shape[0];
        if (n % 2 != 0) throw new ArgumentException($"a guided batch has an even size (got {n}).", nameof(batchedOutput));
        using var uncond = batchedOutput.narrow(0, 0, n / 2);
        using var text = batchedOutput.narrow(0, n / 2, n / 2);
        return Apply(uncond, text, scale);
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Text;

/// <summary>Applies per-token emphasis weights to text-encoder hidden states, as AUTOMATIC1111 does.</summary>
public static class PromptWeighting
{
    /// <summary>
    /// Multiplies each token's hidden state by its weight, then rescales the whole tensor so that its mean
    /// equals the mean before weighting: <c>z' = z·w · mean(z) / mean(z·w)</c>, means over all elements.
    /// </summary>
    /// <remarks>
    /// The reference ("Original" emphasis in stable-diffusion-webui) does this per 77-token chunk, on the final
    /// hidden states of the chunk, before the chunks are concatenated. Rescaling keeps the overall magnitude the
    /// UNet expects, so emphasis shifts attention between tokens instead of scaling the whole condition.
    /// With <paramref name="restoreMean"/> false only the multiplication is done (the reference's "No norm").
    /// Computes in the tensor's dtype and device; the input is neither modified nor disposed.
    /// </remarks>
    /// <param name="hidden">Hidden states shaped [..., tokens, channels], for example [1, 77, 768].</param>
    /// <param name="weights">One weight per token (the length of the second-to-last dimension).</param>
    /// <param name="restoreMean">Rescale to the original mean (default, as the reference).</param>
    /// <returns>A new tensor of the same shape.</returns>
    public static Tensor Apply(Tensor hidden, float[] weights, bool restoreMean = true)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(weights);
        if (hidden.dim() < 2 || hidden.shape[^2] != weights.Length)
            throw new ArgumentException(
                $"Weights ({weights.Length}) must match the token dimension of hidden states shaped [{string.Join(", ", hidden.shape)}].",
                nameof(weights));

        using var scope = NewDisposeScope();
        Tensor multipliers = tensor(weights, dtype: hidden.dtype, device: hidden.device).unsqueeze(-1);
        Tensor weighted = hidden * multipliers;
        if (restoreMean)
            weighted = weighted * (hidden.mean() / weighted.mean());
        return weighted.MoveToOuterDisposeScope();
    }
}

using CMLoRA.Engine.Tensors;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Pipelines;

/// <summary>
/// A cheap latent → RGB preview for progress display: a fixed linear map of the 4 SD latent channels to RGB at
/// latent resolution, without the VAE. The coefficients are hand-set for this project, not fitted: channel 0
/// acts as luminance, channels 1 and 2 as red–cyan and green–magenta opponent axes, channel 3 as a weak
/// blue–yellow axis. They give a recognisable thumbnail of composition and rough colour, not faithful colour.
/// </summary>
public static class LatentPreview
{
    // RGB contribution of each latent channel (rows: channels 0–3; columns: R, G, B); see the summary.
    private static readonly float[,] Coefficients =
    {
        { 0.30f, 0.30f, 0.30f },
        { 0.16f, -0.06f, -0.10f },
        { -0.06f, 0.16f, -0.06f },
        { -0.08f, -0.08f, -0.24f },
    };

    /// <summary>Renders the first latent of a [N, 4, h, w] batch as an h × w RGB image.</summary>
    public static PreviewImage Render(Tensor latents)
    {
        if (latents.dim() != 4 || latents.shape[1] != 4)
            throw new ArgumentException($"expected latents [N, 4, h, w], got [{string.Join(", ", latents.shape)}].", nameof(latents));
        using var scope = NewDisposeScope();
        int h = (int)latents.shape[2], w = (int)latents.shape[3];
        var first = latents[0].to(ScalarType.Float32).to(CPU).reshape(4, h * w);
        var matrix = tensor(Flatten(Coefficients), [4, 3]);
        // [hw, 4] × [4, 3] → [hw, 3] in [−1, 1] → bytes
        var rgb = first.t().matmul(matrix).Plus(1f).Times(127.5f).ClampedTo(0f, 255f).round().to(ScalarType.Byte);
        return new PreviewImage(w, h, rgb.contiguous().data<byte>().ToArray());
    }

    private static float[] Flatten(float[,] m)
    {
        var flat = new float[m.Length];
        Buffer.BlockCopy(m, 0, flat, 0, flat.Length * sizeof(float));
        return flat;
    }
}

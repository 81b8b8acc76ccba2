using static TorchSharp.torch;

namespace CMLoRA.Engine.Pipelines;

/// <summary>
/// The outcome of one generation: final latents, the decoded image in [0, 1] when a decoder was given, the
/// parameters and timings. Owns its tensors; dispose it.
/// </summary>
/// <param name="Parameters">Everything that determined the image.</param>
/// <param name="Latents">Final latents [1, 4, H/8, W/8] (unscaled).</param>
/// <param name="Image">Decoded image [1, 3, H, W] in [0, 1], or null without a decoder.</param>
/// <param name="StepTimes">Wall time of every step (UNet and sampler).</param>
/// <param name="Elapsed">Wall time of the whole run, the decode included.</param>
/// <param name="DecodeTime">Wall time of the decode (zero without a decoder).</param>
public sealed record TextToImageResult(
    GenerationParameters Parameters,
    Tensor Latents,
    Tensor? Image,
    IReadOnlyList<TimeSpan> StepTimes,
    TimeSpan Elapsed,
    TimeSpan DecodeTime) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        Latents.Dispose();
        Image?.Dispose();
    }
}

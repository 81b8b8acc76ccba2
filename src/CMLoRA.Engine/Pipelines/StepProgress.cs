using static TorchSharp.torch;
namespace CMLoRA.Engine.Pipelines;

/// <summary>
/// Reported after every denoising step. <see cref="RenderPreview"/> projects the current latents to a small RGB
/// image on demand (cheap, but only when asked); it is valid only during the callback, because the latents move on.
/// </summary>
/// <param name="Step">Steps done, 1-based.</param>
/// <param name="Total">Steps planned.</param>
/// <param name="Timestep">The timestep of the step just done.</param>
/// <param name="Elapsed">Wall time since the run started.</param>
public sealed record StepProgress(int Step, int Total, double Timestep, TimeSpan Elapsed)
{
    internal Func<PreviewImage>? PreviewSource { get; init; }

    internal Tensor? CurrentLatents { get; init; }

    /// <summary>The latents after this step (read-only use, valid only inside the callback), for online statistics.</summary>
    public Tensor Latents =>
        !Expired && CurrentLatents is not null
            ? CurrentLatents
            : throw new InvalidOperationException("Step latents can only be read inside the progress callback of that step.");

    internal bool Expired { get; set; }

    /// <summary>An RGB preview of the latents after this step (latent resolution, <see cref="LatentPreview"/>).</summary>
    public PreviewImage RenderPreview()
    {
        if (Expired || PreviewSource is null)
            throw new InvalidOperationException("A step preview can only be rendered inside the progress callback of that step.");
        return PreviewSource();
    }
}

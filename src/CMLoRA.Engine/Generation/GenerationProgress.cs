using CMLoRA.Engine.Pipelines;

namespace CMLoRA.Engine.Generation;

/// <summary>
/// One step done: counts, speed and, on request, a small preview rendered from the latents. Valid only inside the
/// progress callback (the latents move on after it returns).
/// </summary>
public sealed record GenerationProgress(int Step, int Total, TimeSpan Elapsed, string? DominantLora, Func<PreviewImage> RenderPreview)
{
    public double StepsPerSecond => Elapsed.TotalSeconds > 0 ? Step / Elapsed.TotalSeconds : 0;

    public TimeSpan EstimatedRemaining => Step > 0 ? Elapsed / Step * (Total - Step) : TimeSpan.Zero;
}

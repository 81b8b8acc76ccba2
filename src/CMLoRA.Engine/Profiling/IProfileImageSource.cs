namespace CMLoRA.Engine.Profiling;

/// <summary>
/// Renders the images <see cref="LoraProfiler"/> measures. <see cref="GeneratorProfileSource"/> renders them with a
/// loaded model; tests substitute synthetic images so the scoring can be checked without a model.
/// </summary>
public interface IProfileImageSource
{
    /// <summary>A short name of the base model, recorded in every profile.</summary>
    string ModelName { get; }

    /// <summary>The model's native square size in pixels, used when the profiler's options leave the size open.</summary>
    int NativeSize { get; }

    /// <summary>
    /// Renders one image: the base model alone when <see cref="ProfileRender.LoraPath"/> is null, otherwise the base
    /// model with that one LoRA at weight 1. Must be deterministic for equal requests.
    /// </summary>
    /// <param name="request">What to render.</param>
    /// <param name="stepProgress">Called with (step, steps) after each denoising step; may be null.</param>
    /// <param name="cancellationToken">Stops the render; implementations throw <see cref="OperationCanceledException"/>.</param>
    ProfileImage Render(ProfileRender request, Action<int, int>? stepProgress, CancellationToken cancellationToken);
}

using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Pipelines;

namespace CMLoRA.Engine.Profiling;

/// <summary>
/// Renders profiling images with a loaded model: the base model (method None) or one LoRA merged at weight 1, the
/// reference's <c>merge_{id}_1.png</c> (spec 3.3). Images pass through the PNG the generator writes, so they are
/// measured exactly as the reference measured its saved files.
/// </summary>
public sealed class GeneratorProfileSource(StableDiffusionGenerator generator) : IProfileImageSource
{
    /// <summary>The id the profiled LoRA gets inside the generation.</summary>
    public const string LoraId = "profiled";

    /// <inheritdoc />
    public string ModelName => Path.GetFileName(Path.TrimEndingDirectorySeparator(generator.ModelPath));

    /// <inheritdoc />
    public int NativeSize => generator.NativeSize;

    /// <inheritdoc />
    public ProfileImage Render(ProfileRender request, Action<int, int>? stepProgress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        LoraRequest[] loras = request.LoraPath is null ? [] : [new LoraRequest(request.LoraPath, 1f, Id: LoraId)];
        var job = new GenerationJob(request.Prompt, request.NegativePrompt, loras,
            loras.Length == 0 ? CompositionMethod.None : CompositionMethod.Merge, null,
            new TextToImageRequest(request.Size, request.Size, request.Steps, request.GuidanceScale, request.Seed, request.Sampler));
        var output = generator.Generate(job, stepProgress is null ? null : p => stepProgress(p.Step, p.Total), cancellationToken);
        return ProfileImage.FromPng(output.Png);
    }
}

namespace CMLoRA.Engine.Profiling;

/// <summary>One image the profiler needs: a square txt2img render with at most one LoRA at weight 1.</summary>
/// <param name="Prompt">The prompt (the LoRA's trigger words in the profiler's template).</param>
/// <param name="NegativePrompt">The negative prompt.</param>
/// <param name="Seed">Seed of the initial noise.</param>
/// <param name="Size">Width and height in pixels, a multiple of 8.</param>
/// <param name="Steps">Denoising steps.</param>
/// <param name="GuidanceScale">Classifier-free guidance scale.</param>
/// <param name="Sampler">Sampler name (see <see cref="Sampling.SamplerFactory"/>).</param>
/// <param name="LoraPath">The LoRA to apply at weight 1, or null for the base model.</param>
public sealed record ProfileRender(
    string Prompt,
    string NegativePrompt,
    long Seed,
    int Size,
    int Steps,
    double GuidanceScale,
    string Sampler,
    string? LoraPath);

namespace CMLoRA.Engine.Profiling;

/// <summary>Where a profiling run is: which LoRA, which image of the run, which step of that image.</summary>
/// <param name="LoraIndex">0-based index of the LoRA being profiled.</param>
/// <param name="LoraCount">LoRAs in the run.</param>
/// <param name="LoraId">The LoRA's id.</param>
/// <param name="Image">1-based number of the image being rendered, over the whole run.</param>
/// <param name="Images">Images the run renders: K per LoRA plus the base images it cannot share.</param>
/// <param name="IsBase">True while rendering the base model's image of a seed.</param>
/// <param name="Seed">The image's seed.</param>
/// <param name="Step">Denoising steps done in this image (0 when it starts).</param>
/// <param name="Steps">Denoising steps per image.</param>
public sealed record LoraProfilerProgress(
    int LoraIndex,
    int LoraCount,
    string LoraId,
    int Image,
    int Images,
    bool IsBase,
    long Seed,
    int Step,
    int Steps)
{
    /// <summary>Fraction of the whole run done, in [0, 1].</summary>
    public double Fraction => Images == 0 ? 1 : Math.Clamp((Image - 1 + (Steps > 0 ? (double)Step / Steps : 0)) / Images, 0, 1);
}

using CMLoRA.Engine.Sampling;

namespace CMLoRA.Engine.Pipelines;

/// <summary>What to generate: size, steps, guidance, sampler and seed (SD 1.x text-to-image).</summary>
/// <param name="Width">Image width in pixels, a multiple of 8.</param>
/// <param name="Height">Image height in pixels, a multiple of 8.</param>
/// <param name="Steps">Number of denoising steps.</param>
/// <param name="GuidanceScale">Classifier-free guidance scale; at or below 1 the unconditional branch is skipped (as diffusers).</param>
/// <param name="Seed">Seed of the CPU generator that draws the initial latents (and ancestral noise).</param>
/// <param name="Sampler">Sampler name: dpmpp2m, ddim, euler or euler_a.</param>
/// <param name="Karras">Overrides <c>use_karras_sigmas</c> when set.</param>
public sealed record TextToImageRequest(
    int Width = 512,
    int Height = 512,
    int Steps = 20,
    double GuidanceScale = 7.5,
    long Seed = 0,
    string Sampler = "dpmpp2m",
    bool? Karras = null)
{
    /// <summary>Latent channels of SD 1.x.</summary>
    public const int LatentChannels = 4;

    /// <summary>Pixels per latent cell of SD 1.x (the VAE downsamples by 8).</summary>
    public const int VaeScale = 8;

    /// <summary>Pixels per latent cell of the model that runs the request (the generator sets it from its VAE).</summary>
    public int VaeScaleFactor { get; init; } = VaeScale;

    /// <summary>Whether the unconditional branch runs (diffusers: guidance_scale &gt; 1).</summary>
    public bool UsesGuidance => GuidanceScale > 1.0;

    /// <summary>The latent shape [1, 4, H/f, W/f] with f = <see cref="VaeScaleFactor"/> (8 for SD 1.x).</summary>
    public long[] LatentShape => [1, LatentChannels, Height / VaeScaleFactor, Width / VaeScaleFactor];

    /// <summary>Throws <see cref="ArgumentException"/> for values the pipeline cannot run.</summary>
    public void Validate()
    {
        if (VaeScaleFactor <= 0) throw new ArgumentException($"The VAE scale factor must be positive (got {VaeScaleFactor}).");
        if (Width <= 0 || Height <= 0 || Width % VaeScaleFactor != 0 || Height % VaeScaleFactor != 0)
            throw new ArgumentException($"Width and height must be positive multiples of {VaeScaleFactor} (got {Width}×{Height}).");
        if (Steps < 1) throw new ArgumentException($"Steps must be at least 1 (got {Steps}).");
        if (double.IsNaN(GuidanceScale) || GuidanceScale < 0) throw new ArgumentException($"Guidance scale must be ≥ 0 (got {GuidanceScale}).");
        SamplerFactory.ParseName(Sampler);
    }
}

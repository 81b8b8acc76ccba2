namespace CMLoRA.Engine.Sampling;

/// <summary>Where initial latents came from, so that an image can be regenerated: seed, generator and shape.</summary>
/// <param name="Seed">The value given to <c>manual_seed</c>.</param>
/// <param name="Rng">The generator, e.g. <see cref="LatentNoise.RngSource"/>.</param>
/// <param name="Shape">The latent shape drawn, e.g. [1, 4, 64, 64].</param>
public sealed record NoiseSource(long Seed, string Rng, IReadOnlyList<long> Shape);

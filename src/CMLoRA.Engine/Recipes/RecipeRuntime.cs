using CMLoRA.Engine.Composition.FeatureCache;

namespace CMLoRA.Engine.Recipes;

/// <summary>
/// Where an image was computed. Pixel-identical re-runs need the same device and dtype (floating-point results
/// differ between CPU and CUDA, and between float32 and float16), the same VAE and the same feature-cache point.
/// </summary>
/// <param name="Device">The torch device, e.g. "cpu" or "cuda:0".</param>
/// <param name="DType">The compute dtype, e.g. "float32".</param>
/// <param name="Vae">The VAE that replaced the checkpoint's, or null when the checkpoint's own ran.</param>
/// <param name="CachePoint">Where deep features were cut for caching; null = the engine default.</param>
/// <param name="TorchSharpVersion">TorchSharp's version (its libtorch decides the kernels).</param>
public sealed record RecipeRuntime(string Device, string DType, ModelIdentity? Vae, FeatureCachePoint? CachePoint, string? TorchSharpVersion);

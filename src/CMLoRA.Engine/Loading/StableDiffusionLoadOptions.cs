using System.Text.Json.Nodes;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Loading;

/// <summary>How <see cref="StableDiffusionCheckpoint"/> loads a checkpoint.</summary>
public sealed record StableDiffusionLoadOptions
{
    /// <summary>
    /// A VAE that replaces the checkpoint's (the paper pairs Realistic Vision with <c>sd-vae-ft-mse</c>): a
    /// <c>.safetensors</c> file in LDM naming (with or without <c>first_stage_model.</c>) or diffusers naming, a
    /// diffusers VAE folder (<c>config.json</c> + weights), or a diffusers pipeline folder (its <c>vae/</c> is used).
    /// </summary>
    public string? VaeOverridePath { get; init; }

    /// <summary>
    /// The text encoder's configuration for single-file checkpoints; null uses the file's metadata
    /// (<see cref="SingleFileMetadata.TextEncoderConfigKey"/>) when it has one, else SD 1.x's.
    /// </summary>
    public ClipTextConfig? TextEncoderConfig { get; init; }

    /// <summary>
    /// Builds the UNet whose state-dict names are the diffusers <c>UNet2DConditionModel</c> names. It receives the
    /// diffusers <c>unet/config.json</c>, a single file's <see cref="SingleFileMetadata.UnetConfigKey"/>, or null for a
    /// single file without one (meaning the SD 1.x configuration).
    /// Null skips the UNet.
    /// </summary>
    public Func<JsonObject?, nn.Module>? UnetFactory { get; init; } = DefaultUnet;

    /// <summary>
    /// Builds the VAE whose state-dict names are the diffusers <c>AutoencoderKL</c> names. It receives the VAE
    /// <c>config.json</c> (of the override folder, else of the checkpoint folder or the single file's
    /// <see cref="SingleFileMetadata.VaeConfigKey"/>), or null when there is none
    /// (meaning the SD 1.x configuration). Null skips the VAE.
    /// </summary>
    public Func<JsonObject?, nn.Module>? VaeFactory { get; init; } = DefaultVae;

    /// <summary>Our <see cref="UNet2DConditionModel"/> from the component's config.json, or SD 1.5's for single files without one.</summary>
    public static nn.Module DefaultUnet(JsonObject? config) =>
        new UNet2DConditionModel(config is null ? UNetConfig.StableDiffusion15 : UNetConfig.FromJson(config.ToJsonString()));

    /// <summary>Our <see cref="AutoencoderKL"/> from the component's config.json, or SD 1.5's for single files without one.</summary>
    public static nn.Module DefaultVae(JsonObject? config) =>
        new AutoencoderKL(config is null ? VaeConfig.StableDiffusion15 : VaeConfig.FromJson(config.ToJsonString()));

    /// <summary>Where the loaded modules end up; null keeps them on the CPU, where loading happens.</summary>
    public Device? Device { get; init; }

    /// <summary>The parameter dtype; null keeps float32, the reference precision. Stored tensors are converted.</summary>
    public ScalarType? DType { get; init; }

    /// <summary>A diffusers weights variant such as <c>fp16</c>; null reads the default files.</summary>
    public string? Variant { get; init; }
}

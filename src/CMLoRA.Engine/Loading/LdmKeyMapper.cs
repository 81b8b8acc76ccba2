using System.Text.RegularExpressions;

namespace CMLoRA.Engine.Loading;

/// <summary>
/// Maps the keys of a single-file SD 1.x checkpoint in the original (LDM/CompVis) layout onto the diffusers and
/// transformers module trees, by rules rather than a table per key. See <c>docs/models-loading.md</c>.
/// </summary>
/// <remarks>
/// The rules depend on two sizes: the UNet's <c>layers_per_block</c> (LDM numbers UNet blocks linearly) and the
/// number of VAE levels (LDM numbers decoder levels in reverse). <see cref="InferFrom"/> reads both off a file's keys.
/// </remarks>
public sealed partial class LdmKeyMapper
{
    public const string UnetPrefix = "model.diffusion_model.";
    public const string VaePrefix = "first_stage_model.";
    public const string TextEncoderPrefix = "cond_stage_model.transformer.";

    // LatentDiffusion registers its DDPM schedule as buffers; they describe training, and the scheduler config
    // (or the SD 1.x default) defines the schedule at inference.
    private static readonly HashSet<string> ScheduleBuffers =
    [
        "betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod", "sqrt_one_minus_alphas_cumprod",
        "log_one_minus_alphas_cumprod", "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod",
        "posterior_variance", "posterior_log_variance_clipped", "posterior_mean_coef1", "posterior_mean_coef2", "logvar",
    ];

    private static readonly string[] TextModelParts = ["embeddings.", "encoder.", "final_layer_norm."];

    /// <param name="unetLayersPerBlock">The UNet's <c>layers_per_block</c> (2 for SD 1.x).</param>
    /// <param name="vaeLevels">The number of VAE resolution levels, <c>len(block_out_channels)</c> (4 for SD 1.x).</param>
    public LdmKeyMapper(int unetLayersPerBlock = 2, int vaeLevels = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(unetLayersPerBlock, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(vaeLevels, 1);
        UnetLayersPerBlock = unetLayersPerBlock;
        VaeLevels = vaeLevels;
    }

    /// <summary>The SD 1.x sizes: layers_per_block 2, 4 VAE levels.</summary>
    public static LdmKeyMapper StableDiffusion15 { get; } = new();

    public int UnetLayersPerBlock { get; }
    public int VaeLevels { get; }

    [GeneratedRegex(@"^model\.diffusion_model\.input_blocks\.(\d+)\.0\.op\.")]
    private static partial Regex FirstDownsampler();

    [GeneratedRegex(@"(?:^|\.)(?:decoder\.up|encoder\.down)\.(\d+)\.")]
    private static partial Regex VaeLevel();

    /// <summary>
    /// A mapper sized from a file's keys: <c>layers_per_block</c> from the first UNet downsampler's slot
    /// (<c>input_blocks.{L+1}.0.op</c>) and the VAE level count from the highest <c>decoder.up.{i}</c>/<c>encoder.down.{i}</c>.
    /// Sizes the keys do not reveal keep the SD 1.x values. Works for VAE-only files without the prefix.
    /// </summary>
    public static LdmKeyMapper InferFrom(IEnumerable<string> keys)
    {
        int? firstDownsampler = null, highestVaeLevel = null;
        foreach (var key in keys)
        {
            if (FirstDownsampler().Match(key) is { Success: true } down)
            {
                int slot = int.Parse(down.Groups[1].ValueSpan);
                firstDownsampler = firstDownsampler is { } seen ? Math.Min(seen, slot) : slot;
            }
            if (!key.StartsWith(UnetPrefix, StringComparison.Ordinal) && !key.StartsWith("model_ema.", StringComparison.Ordinal)
                && VaeLevel().Match(key) is { Success: true } level)
                highestVaeLevel = Math.Max(highestVaeLevel ?? 0, int.Parse(level.Groups[1].ValueSpan));
        }
        return new LdmKeyMapper(
            firstDownsampler is { } s && s >= 2 ? s - 1 : StableDiffusion15.UnetLayersPerBlock,
            highestVaeLevel is { } v ? v + 1 : StableDiffusion15.VaeLevels);
    }

    /// <summary>Classifies and maps one key of a single-file checkpoint.</summary>
    public LdmKeyMapping Map(string ldmKey)
    {
        if (ldmKey.StartsWith(UnetPrefix, StringComparison.Ordinal))
            return LdmUnetRules.Map(ldmKey[UnetPrefix.Length..], UnetLayersPerBlock) is { } unetKey
                ? new LdmKeyMapping(ldmKey, LdmKeyStatus.Mapped, ModelComponent.Unet, unetKey)
                : Unknown(ldmKey);

        if (ldmKey.StartsWith(VaePrefix, StringComparison.Ordinal))
        {
            string rest = ldmKey[VaePrefix.Length..];
            if (rest.StartsWith("loss.", StringComparison.Ordinal))
                return Ignored(ldmKey, "VAE training loss (LPIPS and discriminator), not part of the autoencoder");
            return MapVaeCore(ldmKey, rest);
        }

        if (ldmKey.StartsWith(TextEncoderPrefix, StringComparison.Ordinal))
            return MapTextEncoder(ldmKey, ldmKey[TextEncoderPrefix.Length..]);

        if (ldmKey.StartsWith("model_ema.", StringComparison.Ordinal))
            return Ignored(ldmKey, "EMA copy of the UNet or EMA bookkeeping (non-pruned checkpoint); the model weights are used");

        if (ScheduleBuffers.Contains(ldmKey))
            return Ignored(ldmKey, "LDM DDPM schedule buffer; the scheduler configuration defines the schedule");

        return Unknown(ldmKey);
    }

    /// <summary>Maps a key of a standalone LDM VAE file (for example <c>vae-ft-mse-840000-ema-pruned</c>), with or without <c>first_stage_model.</c>.</summary>
    public LdmKeyMapping MapVaeKey(string key)
    {
        if (key.StartsWith(VaePrefix, StringComparison.Ordinal)) return Map(key);
        if (key.StartsWith("model_ema.", StringComparison.Ordinal))
            return Ignored(key, "EMA bookkeeping of the VAE file");
        if (key.StartsWith("loss.", StringComparison.Ordinal))
            return Ignored(key, "VAE training loss (LPIPS and discriminator), not part of the autoencoder");
        return MapVaeCore(key, key);
    }

    private LdmKeyMapping MapVaeCore(string ldmKey, string rest) =>
        LdmVaeRules.Map(rest, VaeLevels) is var (vaeKey, reshape)
            ? new LdmKeyMapping(ldmKey, LdmKeyStatus.Mapped, ModelComponent.Vae, vaeKey, reshape)
            : Unknown(ldmKey);

    // transformers ≥ 4.x saves CLIPTextModel with a 'text_model.' level; very old checkpoints lack it.
    private static LdmKeyMapping MapTextEncoder(string ldmKey, string rest)
    {
        string key = rest.StartsWith("text_model.", StringComparison.Ordinal) ? rest : "text_model." + rest;
        if (key == "text_model.embeddings.position_ids")
            return Ignored(ldmKey, "position ids are a constant 0..76; the model computes them");
        string inner = key["text_model.".Length..];
        return TextModelParts.Any(part => inner.StartsWith(part, StringComparison.Ordinal))
            ? new LdmKeyMapping(ldmKey, LdmKeyStatus.Mapped, ModelComponent.TextEncoder, key)
            : Unknown(ldmKey);
    }

    private static LdmKeyMapping Ignored(string key, string reason) => new(key, LdmKeyStatus.Ignored, Reason: reason);

    private static LdmKeyMapping Unknown(string key) => new(key, LdmKeyStatus.Unknown);
}

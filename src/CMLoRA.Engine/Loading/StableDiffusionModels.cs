using System.Text.Json.Nodes;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Text;
using static TorchSharp.torch;

using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;

namespace CMLoRA.Engine.Loading;

/// <summary>The modules and configuration of a loaded SD 1.x checkpoint. Owns the modules.</summary>
public sealed class StableDiffusionModels : IDisposable
{
    internal StableDiffusionModels(
        CheckpointLayout layout, CLIPTextModel textEncoder, nn.Module? unet, nn.Module? vae, JsonObject? schedulerConfig,
        IReadOnlyList<string> ignoredKeys, IReadOnlyList<string> unknownKeys, ClipTokenizer? tokenizer = null)
    {
        Tokenizer = tokenizer;
        Layout = layout;
        TextEncoder = textEncoder;
        Unet = unet;
        Vae = vae;
        SchedulerConfig = schedulerConfig;
        IgnoredKeys = ignoredKeys;
        UnknownKeys = unknownKeys;
    }

    /// <summary>How the checkpoint was stored.</summary>
    public CheckpointLayout Layout { get; }

    public CLIPTextModel TextEncoder { get; }

    /// <summary>The UNet built by <see cref="StableDiffusionLoadOptions.UnetFactory"/>; null when none was given.</summary>
    public nn.Module? Unet { get; }

    /// <summary>The VAE built by <see cref="StableDiffusionLoadOptions.VaeFactory"/>; null when none was given.</summary>
    public nn.Module? Vae { get; }

    /// <summary>
    /// <c>scheduler/scheduler_config.json</c> of a diffusers folder (non-finite floats as the strings "NaN",
    /// "Infinity", "-Infinity"; read numbers with <see cref="LenientJson.SerializerOptions"/>), or null for a
    /// single-file checkpoint, whose schedule is the SD 1.x default unless its metadata carries
    /// <see cref="SingleFileMetadata.SchedulerConfigKey"/>.
    /// </summary>
    public JsonObject? SchedulerConfig { get; }

    /// <summary>
    /// The tokenizer a single file carries in its metadata (<see cref="SingleFileMetadata.TokenizerVocabKey"/>), or
    /// null: a diffusers folder keeps its tokenizer in <c>tokenizer/</c>, SD 1.x single files use the CLIP vocabulary.
    /// </summary>
    public ClipTokenizer? Tokenizer { get; }

    /// <summary>The UNet as our model class; throws when the checkpoint was loaded without one.</summary>
    public UNet2DConditionModel RequireUnet() =>
        Unet as UNet2DConditionModel ?? throw new InvalidOperationException("this checkpoint was loaded without a UNet2DConditionModel");

    /// <summary>The VAE as our model class; throws when the checkpoint was loaded without one.</summary>
    public AutoencoderKL RequireVae() =>
        Vae as AutoencoderKL ?? throw new InvalidOperationException("this checkpoint was loaded without an AutoencoderKL");

    /// <summary>Stored tensors deliberately skipped (EMA weights, schedule buffers, position ids, …).</summary>
    public IReadOnlyList<string> IgnoredKeys { get; }

    /// <summary>Stored tensors of a single file that no rule recognises; they were not loaded.</summary>
    public IReadOnlyList<string> UnknownKeys { get; }

    public void Dispose()
    {
        TextEncoder.Dispose();
        Unet?.Dispose();
        Vae?.Dispose();
    }
}

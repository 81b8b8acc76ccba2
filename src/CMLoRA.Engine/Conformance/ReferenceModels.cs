using System.Text.Json.Nodes;
using CMLoRA.Engine.Adapters;
using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;

namespace CMLoRA.Engine.Conformance;

/// <summary>
/// One checkpoint layout of a reference directory loaded on the CPU in fp32, with LoRA files attached on demand
/// as runtime adapters (UNet and text encoder) and switched on and off by <see cref="UseLora"/>.
/// </summary>
internal sealed class ReferenceModels : IDisposable
{
    private readonly Dictionary<string, int> _loraIndex = new(StringComparer.Ordinal);
    private LoraAdapterSet? _unetAdapters;
    private LoraAdapterSet? _textAdapters;

    private ReferenceModels(string layout, StableDiffusionModels models)
    {
        Layout = layout;
        Models = models;
    }

    /// <summary><c>diffusers</c> or <c>ldm</c>.</summary>
    public string Layout { get; }

    public StableDiffusionModels Models { get; }
    public UNet2DConditionModel Unet => Models.RequireUnet();
    public AutoencoderKL? Vae => Models.Vae as AutoencoderKL;
    public CLIPTextModel TextEncoder => Models.TextEncoder;

    /// <summary>
    /// Loads <paramref name="layout"/> from <paramref name="reference"/>. A single file carries no configuration, so
    /// its modules are built from the <c>unet</c>, <c>vae</c> and <c>text_encoder</c> sections of <c>config.json</c>,
    /// else from the diffusers folder's component configs, else SD 1.5's.
    /// </summary>
    public static ReferenceModels Load(ReferenceDirectory reference, string layout, string path)
    {
        var options = layout == ReferenceDirectory.DiffusersLayout ? new StableDiffusionLoadOptions() : SingleFileOptions(reference);
        return new ReferenceModels(layout, StableDiffusionCheckpoint.Load(path, options));
    }

    /// <summary>Turns the LoRA at <paramref name="loraPath"/> on at <paramref name="weight"/>, or every LoRA off when null.</summary>
    public void UseLora(string? loraPath, float weight = 1f)
    {
        if (loraPath is null)
        {
            if (_unetAdapters is not null) _unetAdapters.Active = AdapterMix.None;
            if (_textAdapters is not null) _textAdapters.Active = AdapterMix.None;
            return;
        }
        var mix = AdapterMix.All(new ActiveAdapter(Attach(loraPath), weight));
        _unetAdapters!.Active = mix;
        _textAdapters!.Active = mix;
    }

    private int Attach(string loraPath)
    {
        if (_loraIndex.TryGetValue(loraPath, out int index)) return index;
        _unetAdapters ??= new LoraAdapterSet(Unet);
        _textAdapters ??= new LoraAdapterSet(TextEncoder);
        using var lora = LoraFile.Open(loraPath);
        index = LoraAttachment.Attach(lora, Unet, _unetAdapters, TextEncoder, _textAdapters);
        _loraIndex[loraPath] = index;
        return index;
    }

    private static StableDiffusionLoadOptions SingleFileOptions(ReferenceDirectory reference)
    {
        JsonObject? Section(string name)
        {
            if (reference.ConfigSection(name) is { } section) return section;
            string? folderConfig = reference.DiffusersPath is { } folder ? Path.Combine(folder, name, "config.json") : null;
            return folderConfig is not null && File.Exists(folderConfig) ? LenientJson.ReadObject(folderConfig) : null;
        }

        var unet = Section("unet");
        var vae = Section("vae");
        var text = Section("text_encoder");
        return new StableDiffusionLoadOptions
        {
            TextEncoderConfig = text is null ? null : ClipTextConfig.FromJson(text.ToJsonString()),
            UnetFactory = _ => StableDiffusionLoadOptions.DefaultUnet(unet),
            VaeFactory = _ => StableDiffusionLoadOptions.DefaultVae(vae),
        };
    }

    public void Dispose()
    {
        _unetAdapters?.Dispose();
        _textAdapters?.Dispose();
        Models.Dispose();
    }
}

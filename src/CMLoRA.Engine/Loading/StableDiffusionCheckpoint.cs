using System.Text.Json.Nodes;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Loading;

/// <summary>
/// Loads an SD 1.x checkpoint, either a diffusers folder or a single <c>.safetensors</c> file in the original (LDM)
/// layout, into modules whose parameter names are the diffusers/transformers names. Pickles are refused.
/// </summary>
/// <remarks>
/// The text encoder is built here. The UNet and the VAE come from the factories in <see cref="StableDiffusionLoadOptions"/>
/// and are filled by the same name-checked loader. Every tensor is streamed from the file into its parameter. A single
/// file's metadata may carry its configs, scheduler and tokenizer (<see cref="SingleFileMetadata"/>); without them the
/// file is taken for SD 1.5.
/// </remarks>
public static class StableDiffusionCheckpoint
{
    private const string TextEncoderName = "text_encoder";
    private const string UnetName = "unet";
    private const string VaeName = "vae";

    /// <summary>Loads the components of the checkpoint at <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointLoadException">the layout is not supported, a file or component is missing, or
    /// the weights do not fit the modules.</exception>
    public static StableDiffusionModels Load(string path, StableDiffusionLoadOptions? options = null)
    {
        options ??= new StableDiffusionLoadOptions();
        var layout = CheckpointFormat.Detect(path);
        var ignored = new List<string>();
        var unknown = new List<string>();
        var owned = new List<IDisposable>();
        try
        {
            CLIPTextModel textEncoder;
            nn.Module? unet = null, vae = null;
            JsonObject? schedulerConfig = null;
            var embedded = SingleFileMetadata.None;
            if (layout == CheckpointLayout.DiffusersFolder)
            {
                var folder = DiffusersFolder.Open(path);
                owned.Add(textEncoder = TextEncoderFromFolder(folder, options, ignored));
                if (options.UnetFactory is { } makeUnet)
                    owned.Add(unet = ModuleFromFolder(folder, UnetName, ModelComponent.Unet, makeUnet, options, ignored));
                if (options.VaeFactory is { } makeVae)
                    owned.Add(vae = options.VaeOverridePath is { } vaePath
                        ? VaeOverride.Load(vaePath, makeVae, TryReadConfig(folder, VaeName), options, ignored, unknown)
                        : ModuleFromFolder(folder, VaeName, ModelComponent.Vae, makeVae, options, ignored));
                if (folder.HasComponent("scheduler")) schedulerConfig = folder.ReadComponentConfig("scheduler");
            }
            else
            {
                using var file = OpenSingleFile(path);
                embedded = SingleFileMetadata.Read(file);
                var bindings = ComponentBindings.FromLdmFile(file, LdmKeyMapper.InferFrom(file.Names), ignored, unknown);
                owned.Add(textEncoder = TextEncoderFromSingleFile(file, embedded, bindings, options));
                if (options.UnetFactory is { } makeUnet)
                {
                    var unetBindings = Require(bindings, ModelComponent.Unet, path);
                    owned.Add(unet = FitMetadata(path, embedded.UnetConfig is null ? null : SingleFileMetadata.UnetConfigKey,
                        () => Build(makeUnet(embedded.UnetConfig), unetBindings, UnetName, options)));
                }
                if (options.VaeFactory is { } makeVae)
                {
                    var vaeConfig = embedded.VaeConfig;
                    if (options.VaeOverridePath is { } vaePath)
                        owned.Add(vae = VaeOverride.Load(vaePath, makeVae, vaeConfig, options, ignored, unknown));
                    else
                    {
                        var vaeBindings = Require(bindings, ModelComponent.Vae, path);
                        owned.Add(vae = FitMetadata(path, vaeConfig is null ? null : SingleFileMetadata.VaeConfigKey,
                            () => Build(makeVae(vaeConfig), vaeBindings, VaeName, options)));
                    }
                }
                schedulerConfig = embedded.SchedulerConfig;
            }
            return new StableDiffusionModels(layout, textEncoder, unet, vae, schedulerConfig, ignored, unknown, embedded.Tokenizer);
        }
        catch
        {
            foreach (var module in owned) module.Dispose();
            throw;
        }
    }

    /// <summary>Loads only the text encoder of the checkpoint at <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointLoadException">as for <see cref="Load"/>.</exception>
    public static CLIPTextModel LoadTextEncoder(string path, StableDiffusionLoadOptions? options = null)
    {
        options ??= new StableDiffusionLoadOptions();
        var ignored = new List<string>();
        if (CheckpointFormat.Detect(path) == CheckpointLayout.DiffusersFolder)
            return TextEncoderFromFolder(DiffusersFolder.Open(path), options, ignored);
        using var file = OpenSingleFile(path);
        var bindings = ComponentBindings.FromLdmFile(file, LdmKeyMapper.InferFrom(file.Names), ignored, []);
        return TextEncoderFromSingleFile(file, SingleFileMetadata.Read(file), bindings, options);
    }

    // The config comes from the options, else from the file's metadata, else it is SD 1.5's.
    private static CLIPTextModel TextEncoderFromSingleFile(
        SafetensorsFile file, SingleFileMetadata embedded, Dictionary<ModelComponent, List<WeightBinding>> bindings, StableDiffusionLoadOptions options)
    {
        var textBindings = Require(bindings, ModelComponent.TextEncoder, file.Path);
        if (options.TextEncoderConfig is { } given) return BuildTextEncoder(given, textBindings, options);
        if (embedded.TextEncoderConfig is not { } config) return BuildTextEncoder(ClipTextConfig.StableDiffusion15, textBindings, options);
        return FitMetadata(file.Path, SingleFileMetadata.TextEncoderConfigKey, () => BuildTextEncoder(config, textBindings, options));
    }

    // Weights that do not fit a config from the file's own metadata mean the metadata is wrong: say which key.
    private static T FitMetadata<T>(string path, string? metadataKey, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (CheckpointLoadException ex) when (metadataKey is not null)
        {
            throw new CheckpointLoadException($"'{path}': the config in metadata '{metadataKey}' does not fit the stored tensors: {ex.Message}", ex);
        }
    }

    /// <summary>Fills <paramref name="module"/> from <paramref name="bindings"/>, then moves it to the requested dtype and device.</summary>
    internal static nn.Module Build(nn.Module module, IEnumerable<WeightBinding> bindings, string component, StableDiffusionLoadOptions options)
    {
        try
        {
            ParameterLoader.Load(module, bindings, component);
            return Place(module, options);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    private static CLIPTextModel TextEncoderFromFolder(DiffusersFolder folder, StableDiffusionLoadOptions options, List<string> ignored)
    {
        string configPath = folder.ComponentConfigPath(TextEncoderName);
        ClipTextConfig config;
        try
        {
            config = ClipTextConfig.FromFile(configPath);
        }
        catch (Exception ex) when (ex is FormatException or IOException)
        {
            throw new CheckpointLoadException($"'{configPath}' cannot be read: {ex.Message}", ex);
        }
        using var file = SafetensorsFile.Open(folder.WeightsPath(TextEncoderName, options.Variant));
        return BuildTextEncoder(config, ComponentBindings.FromDiffusersFile(file, ModelComponent.TextEncoder, ignored), options);
    }

    private static CLIPTextModel BuildTextEncoder(ClipTextConfig config, IEnumerable<WeightBinding> bindings, StableDiffusionLoadOptions options) =>
        (CLIPTextModel)Build(new CLIPTextModel(config), bindings, TextEncoderName, options);

    private static nn.Module ModuleFromFolder(
        DiffusersFolder folder, string name, ModelComponent component, Func<JsonObject?, nn.Module> factory,
        StableDiffusionLoadOptions options, List<string> ignored)
    {
        var config = folder.ReadComponentConfig(name);
        using var file = SafetensorsFile.Open(folder.WeightsPath(name, options.Variant));
        return Build(factory(config), ComponentBindings.FromDiffusersFile(file, component, ignored), name, options);
    }

    private static JsonObject? TryReadConfig(DiffusersFolder folder, string component) =>
        folder.HasComponent(component) && File.Exists(folder.ComponentConfigPath(component)) ? folder.ReadComponentConfig(component) : null;

    private static SafetensorsFile OpenSingleFile(string path)
    {
        var file = SafetensorsFile.Open(path);
        // SD 2.x (OpenCLIP text encoder) and SDXL (two text encoders) use other key families and other architectures.
        string? family = file.Names.Any(n => n.StartsWith("cond_stage_model.model.", StringComparison.Ordinal)) ? "SD 2.x (OpenCLIP text encoder)"
            : file.Names.Any(n => n.StartsWith("conditioner.embedders.", StringComparison.Ordinal)) ? "SDXL"
            : null;
        if (family is null) return file;
        file.Dispose();
        throw new CheckpointLoadException($"'{path}' is an {family} checkpoint; only SD 1.x checkpoints are supported");
    }

    private static List<WeightBinding> Require(Dictionary<ModelComponent, List<WeightBinding>> bindings, ModelComponent component, string path)
    {
        var list = bindings[component];
        if (list.Count > 0) return list;
        string prefix = component switch
        {
            ModelComponent.Unet => LdmKeyMapper.UnetPrefix,
            ModelComponent.Vae => LdmKeyMapper.VaePrefix,
            _ => LdmKeyMapper.TextEncoderPrefix,
        };
        string hint = component == ModelComponent.Vae ? "; give a separate VAE file (VAE override)" : "";
        throw new CheckpointLoadException($"'{path}' has no {prefix}* tensors, so it holds no {component} weights{hint}");
    }

    private static nn.Module Place(nn.Module module, StableDiffusionLoadOptions options)
    {
        if (options.DType is { } dtype && dtype != ScalarType.Float32) module.to(dtype);
        if (options.Device is { } device && device.type != DeviceType.CPU) module.to(device);
        return module;
    }
}

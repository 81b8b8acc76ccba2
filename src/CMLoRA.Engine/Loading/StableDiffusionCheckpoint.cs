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
/// and are filled by the same name-checked loader. Every tensor is streamed from the file into its parameter.
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
                var bindings = ComponentBindings.FromLdmFile(file, LdmKeyMapper.InferFrom(file.Names), ignored, unknown);
                owned.Add(textEncoder = BuildTextEncoder(
                    options.TextEncoderConfig ?? ClipTextConfig.StableDiffusion15, Require(bindings, ModelComponent.TextEncoder, path), options));
                if (options.UnetFactory is { } makeUnet)
                    owned.Add(unet = Build(makeUnet(null), Require(bindings, ModelComponent.Unet, path), UnetName, options));
                if (options.VaeFactory is { } makeVae)
                    owned.Add(vae = options.VaeOverridePath is { } vaePath
                        ? VaeOverride.Load(vaePath, makeVae, null, options, ignored, unknown)
                        : Build(makeVae(null), Require(bindings, ModelComponent.Vae, path), VaeName, options));
            }
            return new StableDiffusionModels(layout, textEncoder, unet, vae, schedulerConfig, ignored, unknown);
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
        return BuildTextEncoder(
            options.TextEncoderConfig ?? ClipTextConfig.StableDiffusion15, Require(bindings, ModelComponent.TextEncoder, path), options);
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

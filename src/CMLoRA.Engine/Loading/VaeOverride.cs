using System.Text.Json.Nodes;
using CMLoRA.Engine.Tensors;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Loading;

/// <summary>Loads a VAE that replaces the checkpoint's (<see cref="StableDiffusionLoadOptions.VaeOverridePath"/>).</summary>
internal static class VaeOverride
{
    /// <summary>Builds the VAE with <paramref name="factory"/> and fills it from the file or folder at <paramref name="path"/>.</summary>
    /// <param name="fallbackConfig">The checkpoint's VAE config, used when the override carries none.</param>
    public static nn.Module Load(
        string path, Func<JsonObject?, nn.Module> factory, JsonObject? fallbackConfig, StableDiffusionLoadOptions options,
        List<string> ignored, List<string> unknown)
    {
        if (Directory.Exists(path))
        {
            string folder = File.Exists(Path.Combine(path, DiffusersFolder.ModelIndexFileName))
                ? DiffusersFolder.Open(path).ComponentPath("vae")
                : path;
            string configPath = Path.Combine(folder, "config.json");
            var config = File.Exists(configPath) ? LenientJson.ReadObject(configPath) : fallbackConfig;
            using var folderFile = SafetensorsFile.Open(DiffusersFolder.FindWeights(folder, options.Variant));
            return StableDiffusionCheckpoint.Build(
                factory(config), ComponentBindings.FromDiffusersFile(folderFile, ModelComponent.Vae, ignored), "vae", options);
        }

        if (!File.Exists(path)) throw new CheckpointLoadException($"VAE override not found: '{path}'");
        CheckpointFormat.EnsureNotPickle(path);
        using var file = SafetensorsFile.Open(path);
        var bindings = ComponentBindings.HasDiffusersVaeNames(file)
            ? ComponentBindings.FromDiffusersFile(file, ModelComponent.Vae, ignored)
            : ComponentBindings.FromLdmVaeFile(file, ignored, unknown);
        if (bindings.Count == 0) throw new CheckpointLoadException($"VAE override '{path}' holds no VAE tensors");
        return StableDiffusionCheckpoint.Build(factory(fallbackConfig), bindings, "vae", options);
    }
}

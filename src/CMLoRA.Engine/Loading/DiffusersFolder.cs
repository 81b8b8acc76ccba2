using System.Text.Json.Nodes;
using CMLoRA.Engine.Tensors;

namespace CMLoRA.Engine.Loading;

/// <summary>
/// A diffusers pipeline folder: <c>model_index.json</c> plus <c>unet/</c>, <c>vae/</c>, <c>text_encoder/</c>,
/// <c>tokenizer/</c> and <c>scheduler/</c>, each with its <c>config.json</c> (<c>scheduler_config.json</c> for the
/// scheduler) and, for models, a <c>.safetensors</c> weights file.
/// </summary>
public sealed class DiffusersFolder
{
    public const string ModelIndexFileName = "model_index.json";

    // The names diffusers and transformers save weights under; a variant ("fp16") goes before the extension.
    private static readonly string[] WeightStems = ["diffusion_pytorch_model", "model"];

    private readonly Dictionary<string, DiffusersComponentInfo> _components;

    private DiffusersFolder(string root, JsonObject modelIndex, Dictionary<string, DiffusersComponentInfo> components)
    {
        Root = root;
        ModelIndex = modelIndex;
        _components = components;
    }

    /// <summary>The folder.</summary>
    public string Root { get; }

    /// <summary>The parsed <c>model_index.json</c>.</summary>
    public JsonObject ModelIndex { get; }

    /// <summary>The components that <c>model_index.json</c> declares with a library and class (null entries are absent).</summary>
    public IReadOnlyDictionary<string, DiffusersComponentInfo> Components => _components;

    /// <summary>Reads <c>model_index.json</c> of <paramref name="root"/>.</summary>
    /// <exception cref="CheckpointLoadException">the folder or its <c>model_index.json</c> is missing or invalid.</exception>
    public static DiffusersFolder Open(string root)
    {
        if (!Directory.Exists(root)) throw new CheckpointLoadException($"diffusers folder not found: '{root}'");
        string indexPath = Path.Combine(root, ModelIndexFileName);
        if (!File.Exists(indexPath)) throw new CheckpointLoadException(MissingModelIndexMessage(root));
        var index = LenientJson.ReadObject(indexPath);
        var components = new Dictionary<string, DiffusersComponentInfo>(StringComparer.Ordinal);
        foreach (var (name, value) in index)
        {
            if (name.StartsWith('_') || value is not JsonArray { Count: 2 } pair) continue;
            if (pair[0]?.GetValueKind() != System.Text.Json.JsonValueKind.String
                || pair[1]?.GetValueKind() != System.Text.Json.JsonValueKind.String) continue;
            components[name] = new DiffusersComponentInfo(name, pair[0]!.GetValue<string>(), pair[1]!.GetValue<string>());
        }
        return new DiffusersFolder(root, index, components);
    }

    internal static string MissingModelIndexMessage(string root) =>
        $"'{root}' is not a diffusers folder: {Path.Combine(root, ModelIndexFileName)} is missing";

    /// <summary>True when <c>model_index.json</c> declares <paramref name="component"/> and its folder exists.</summary>
    public bool HasComponent(string component) =>
        _components.ContainsKey(component) && Directory.Exists(Path.Combine(Root, component));

    /// <summary>The folder of <paramref name="component"/>.</summary>
    /// <exception cref="CheckpointLoadException">the component is not declared or its folder is missing.</exception>
    public string ComponentPath(string component)
    {
        string path = Path.Combine(Root, component);
        if (!_components.ContainsKey(component))
            throw new CheckpointLoadException(
                $"'{Path.Combine(Root, ModelIndexFileName)}' does not declare the component '{component}'");
        if (!Directory.Exists(path))
            throw new CheckpointLoadException(
                $"component '{component}' is declared in {ModelIndexFileName} but its folder '{path}' is missing");
        return path;
    }

    /// <summary>The component's <c>config.json</c> (<c>scheduler_config.json</c> for schedulers), parsed leniently.</summary>
    public JsonObject ReadComponentConfig(string component) => LenientJson.ReadObject(ComponentConfigPath(component));

    /// <summary>The path of the component's config file.</summary>
    public string ComponentConfigPath(string component)
    {
        string folder = ComponentPath(component);
        string scheduler = Path.Combine(folder, "scheduler_config.json");
        return File.Exists(scheduler) ? scheduler : Path.Combine(folder, "config.json");
    }

    /// <summary>The component's safetensors weights file.</summary>
    /// <param name="variant">A weights variant such as <c>fp16</c> (<c>model.fp16.safetensors</c>); null for the default file.</param>
    /// <exception cref="CheckpointLoadException">no safetensors file is there, only pickles are (refused with the reason), or the weights are sharded.</exception>
    public string WeightsPath(string component, string? variant = null) => FindWeights(ComponentPath(component), variant);

    /// <summary>Finds the weights of a component folder (also used for a stand-alone diffusers VAE folder).</summary>
    internal static string FindWeights(string folder, string? variant = null)
    {
        string suffix = variant is null ? ".safetensors" : $".{variant}.safetensors";
        foreach (var stem in WeightStems)
        {
            string candidate = Path.Combine(folder, stem + suffix);
            if (File.Exists(candidate)) return candidate;
        }
        var files = Directory.GetFiles(folder);
        if (files.FirstOrDefault(f => f.EndsWith(".safetensors.index.json", StringComparison.OrdinalIgnoreCase)) is { } index)
            throw new CheckpointLoadException($"'{index}': sharded weights are not supported; save the component as one .safetensors file");
        if (files.FirstOrDefault(PickleDetector.HasPickleExtension) is { } pickle)
            throw new CheckpointLoadException($"'{pickle}': {PickleDetector.Explanation}");
        throw new CheckpointLoadException(
            $"no weights in '{folder}': expected {string.Join(" or ", WeightStems.Select(s => s + suffix))}");
    }
}

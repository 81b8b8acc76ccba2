using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Recipes;
using CMLoRA.Engine.Tensors;
using CMLoRA.Web.Configuration;
using CMLoRA.Web.Library;
using Microsoft.Extensions.Options;

namespace CMLoRA.Web.Generation;

/// <summary>
/// The base models a request may name: the default (Studio:DefaultModelPath, else the built-in model), the built-in
/// model in models/builtin, and the top level of Studio:ModelsDir (default DataDir/models): diffusers folders and
/// single-file .safetensors SD 1.x checkpoints. Pickles (.ckpt, .pt, …) and other families are listed as refused with
/// the reason. Requests name a model by its listed name only, so no path from a request ever reaches the file system.
/// </summary>
public sealed class ModelCatalog(IOptions<StudioOptions> options, StudioPaths paths)
{
    public const string BuiltInFolder = "models/builtin";

    // Single-file checks read the safetensors header; remembered per file version.
    private readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), (string Family, string? Refusal)> _checked = new();

    /// <summary>The models folder (Studio:ModelsDir, relative to the content root; default DataDir/models).</summary>
    public string ModelsDir => paths.ModelsDir;

    /// <summary>Every model, usable or refused: the default first, then the built-in model, then the models folder by name.</summary>
    public IReadOnlyList<StudioModel> List()
    {
        var list = new List<StudioModel>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var (defaultPath, _) = DefaultPath();
        string builtIn = System.IO.Path.GetFullPath(System.IO.Path.Combine(paths.ContentRoot, BuiltInFolder));
        if (defaultPath is not null) Add(defaultPath, isDefault: true);
        if (Directory.Exists(builtIn)) Add(builtIn, isDefault: false);
        if (Directory.Exists(ModelsDir))
        {
            var entries = Directory.EnumerateFileSystemEntries(ModelsDir)
                .Where(e => !System.IO.Path.GetFileName(e).StartsWith('.'))
                .Where(e => Directory.Exists(e) || IsModelFile(e))
                .OrderBy(e => System.IO.Path.GetFileName(e), StringComparer.OrdinalIgnoreCase);
            foreach (string entry in entries) Add(entry, isDefault: false);
        }
        return list;

        void Add(string path, bool isDefault)
        {
            string full = System.IO.Path.GetFullPath(System.IO.Path.TrimEndingDirectorySeparator(path));
            if (!seen.Add(full)) return;
            var model = Inspect(full, isDefault, full == builtIn);
            if (!names.Add(model.Name))
                model = model with { Refusal = $"Another model is already listed as '{model.Name}'; rename this folder or file." };
            list.Add(model);
        }
    }

    /// <summary>
    /// The model a request names (null or empty: the default), or a message saying why there is none: unknown,
    /// refused, or no default configured.
    /// </summary>
    public (StudioModel? Model, string? Error) Find(string? name)
    {
        var models = List();
        if (string.IsNullOrWhiteSpace(name))
        {
            if (models.FirstOrDefault(m => m.IsDefault) is { } chosen)
                return chosen.Available ? (chosen, null) : (null, $"The default model '{chosen.Name}' cannot be used: {chosen.Refusal}");
            return (null, DefaultPath().Error);
        }
        var match = models.FirstOrDefault(m => m.Available && string.Equals(m.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? models.FirstOrDefault(m => string.Equals(m.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            var usable = models.Where(m => m.Available).Select(m => m.Name).ToList();
            return (null, usable.Count == 0
                ? $"Unknown model '{name}': no model is available (GET /api/models lists the models folder)."
                : $"Unknown model '{name}': choose one of {string.Join(", ", usable)}.");
        }
        return match.Available ? (match, null) : (null, $"Model '{match.Name}' cannot be used: {match.Refusal}");
    }

    /// <summary>The default model's path when it exists, else a message saying what to configure.</summary>
    public (string? Path, string? Error) DefaultPath()
    {
        string configured = options.Value.DefaultModelPath;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(paths.ContentRoot, configured.Trim()));
            return File.Exists(path) || Directory.Exists(path)
                ? (path, null)
                : (null, $"The model configured in Studio:DefaultModelPath was not found ({path}).");
        }
        string builtIn = System.IO.Path.GetFullPath(System.IO.Path.Combine(paths.ContentRoot, BuiltInFolder));
        return Directory.Exists(builtIn)
            ? (builtIn, null)
            : (null, $"No model to generate with: set Studio:DefaultModelPath, put the built-in model in {BuiltInFolder}, or name a model of the models folder.");
    }

    private static bool IsModelFile(string path) =>
        path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || PickleDetector.HasPickleExtension(path);

    private StudioModel Inspect(string path, bool isDefault, bool isBuiltIn)
    {
        if (Directory.Exists(path))
        {
            string name = System.IO.Path.GetFileName(path);
            var (family, refusal) = InspectFolder(path);
            return new StudioModel(name, path, ModelHashing.DiffusersFolder, family, isDefault, isBuiltIn, refusal);
        }
        string stem = System.IO.Path.GetFileNameWithoutExtension(path);
        string extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (PickleDetector.HasPickleExtension(path))
            return new StudioModel(stem, path, "pickle", BaseModelNames.Unknown, isDefault, isBuiltIn,
                $"{extension} files are PyTorch pickles, which can run arbitrary code when loaded; the studio never opens them. "
                + "Convert it to .safetensors with a tool you trust.");
        var info = new FileInfo(path);
        var (fileFamily, fileRefusal) = _checked.GetOrAdd((path, info.Length, info.LastWriteTimeUtc), key => InspectFile(key.Path));
        return new StudioModel(stem, path, ModelHashing.SingleFile, fileFamily, isDefault, isBuiltIn, fileRefusal);
    }

    // A diffusers folder: model_index.json, no second text encoder (SDXL), cross-attention not 1024 wide (SD 2.x).
    private static (string Family, string? Refusal) InspectFolder(string path)
    {
        if (!File.Exists(System.IO.Path.Combine(path, DiffusersFolder.ModelIndexFileName)))
            return (BaseModelNames.Unknown, $"Not a diffusers model folder: it has no {DiffusersFolder.ModelIndexFileName}.");
        if (Directory.Exists(System.IO.Path.Combine(path, "text_encoder_2")))
            return (BaseModelNames.Sdxl, "An SDXL model; the studio runs SD 1.x models only.");
        try
        {
            string unetConfig = System.IO.Path.Combine(path, "unet", "config.json");
            if (File.Exists(unetConfig) && JsonNode.Parse(File.ReadAllText(unetConfig))?["cross_attention_dim"] is JsonValue width
                && width.TryGetValue(out int dim))
            {
                if (dim == 1024) return (BaseModelNames.Sd2, "An SD 2.x model; the studio runs SD 1.x models only.");
                if (dim == 2048) return (BaseModelNames.Sdxl, "An SDXL model; the studio runs SD 1.x models only.");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return (BaseModelNames.Unknown, $"Its unet/config.json cannot be read: {e.Message}");
        }
        return (BaseModelNames.Sd1, null);
    }

    // A single file: a readable safetensors header with SD 1.x LDM keys (the same families the engine's loader refuses).
    private static (string Family, string? Refusal) InspectFile(string path)
    {
        try
        {
            CheckpointFormat.EnsureNotPickle(path);
            var header = SafetensorsFile.Validate(path);
            var names = header.Entries.Select(e => e.Name).ToList();
            if (names.Any(n => n.StartsWith("conditioner.embedders.", StringComparison.Ordinal)))
                return (BaseModelNames.Sdxl, "An SDXL checkpoint; the studio runs SD 1.x models only.");
            if (names.Any(n => n.StartsWith("cond_stage_model.model.", StringComparison.Ordinal)))
                return (BaseModelNames.Sd2, "An SD 2.x checkpoint (OpenCLIP text encoder); the studio runs SD 1.x models only.");
            if (!names.Any(n => n.StartsWith("model.diffusion_model.", StringComparison.Ordinal)))
                return (BaseModelNames.Unknown, "Not a Stable Diffusion checkpoint: it has no model.diffusion_model.* weights (a LoRA, VAE or embedding?).");
            return (BaseModelNames.Sd1, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CheckpointLoadException or InvalidDataException)
        {
            return (BaseModelNames.Unknown, $"Not a readable .safetensors file: {e.Message}");
        }
    }
}

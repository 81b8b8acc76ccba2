using System.Text.Json;
using System.Text.Json.Nodes;
using CMLoRA.Engine.Loading;

namespace CMLoRA.Engine.Conformance;

/// <summary>
/// The files of a reference directory (see <see cref="ConformanceOptions.ReferenceDirectory"/>), found by name.
/// Everything except <c>inputs.safetensors</c>, one checkpoint layout and one reference file is optional.
/// </summary>
internal sealed class ReferenceDirectory
{
    public const string OutputsFile = "outputs.safetensors";
    public const string OutputsF64File = "outputs_f64.safetensors";
    public const string DiffusersLayout = "diffusers";
    public const string SingleFileLayout = "ldm";
    private const string PreferredLora = "lora_kohya.safetensors";

    private ReferenceDirectory(string root) => Root = root;

    public string Root { get; }
    public string InputsPath => Path.Combine(Root, "inputs.safetensors");
    public string? OutputsPath { get; private init; }
    public string? OutputsF64Path { get; private init; }
    public string? DiffusersPath { get; private init; }
    public string? SingleFilePath { get; private init; }

    /// <summary>The default LoRA for <c>lora_*</c> outputs: <c>weights/lora/lora_kohya.safetensors</c>, else the only non-merged LoRA there.</summary>
    public string? LoraPath { get; private init; }

    /// <summary><c>config.json</c>, or null when the directory has none.</summary>
    public JsonObject? Config { get; private init; }

    public IReadOnlyList<SamplingRunFiles> Runs { get; private init; } = [];

    /// <summary>The layouts present, diffusers first (it computes the tensors that are written).</summary>
    public IReadOnlyList<(string Name, string Path)> Layouts =>
        new[] { (DiffusersLayout, DiffusersPath), (SingleFileLayout, SingleFilePath) }
            .Where(l => l.Item2 is not null).Select(l => (l.Item1, l.Item2!)).ToList();

    /// <exception cref="ConformanceInputException">the directory or a required file is missing.</exception>
    public static ReferenceDirectory Open(string path)
    {
        string root = Path.GetFullPath(path);
        if (!Directory.Exists(root)) throw new ConformanceInputException($"reference directory not found: {root}");
        string inputs = Path.Combine(root, "inputs.safetensors");
        if (!File.Exists(inputs)) throw new ConformanceInputException($"{root} has no inputs.safetensors");

        string weights = Path.Combine(root, "weights");
        string diffusers = Path.Combine(weights, "diffusers");
        string? singleFile = FindSingleFile(Path.Combine(weights, "ldm"));
        var reference = new ReferenceDirectory(root)
        {
            OutputsPath = Existing(root, OutputsFile),
            OutputsF64Path = Existing(root, OutputsF64File),
            DiffusersPath = Directory.Exists(diffusers) ? diffusers : null,
            SingleFilePath = singleFile,
            LoraPath = FindLora(Path.Combine(weights, "lora")),
            Config = ReadConfig(Path.Combine(root, "config.json")),
            Runs = Directory.EnumerateFiles(root, "sampling_*.safetensors")
                .Order(StringComparer.Ordinal)
                .Select(p => new SamplingRunFiles(
                    Path.GetFileNameWithoutExtension(p)["sampling_".Length..], p, Path.ChangeExtension(p, ".json")))
                .ToList(),
        };
        if (reference.DiffusersPath is null && reference.SingleFilePath is null)
            throw new ConformanceInputException(
                $"{root} has no weights: expected a diffusers folder weights/diffusers/ or a single-file checkpoint weights/ldm/*.safetensors");
        if (reference.OutputsPath is null && reference.Runs.Count == 0)
            throw new ConformanceInputException($"{root} has no reference outputs: expected {OutputsFile} or sampling_<run>.safetensors files");
        return reference;
    }

    /// <summary>A section of <c>config.json</c> (e.g. <c>unet</c>), or null.</summary>
    public JsonObject? ConfigSection(string name) => Config?[name] as JsonObject;

    /// <summary><c>lora.scale</c> of <c>config.json</c>, or null.</summary>
    public float? ConfigLoraScale => ConfigSection("lora")?["scale"] is JsonValue v && v.TryGetValue(out double s) ? (float)s : null;

    private static string? Existing(string root, string name)
    {
        string path = Path.Combine(root, name);
        return File.Exists(path) ? path : null;
    }

    private static string? FindSingleFile(string folder)
    {
        if (!Directory.Exists(folder)) return null;
        string preferred = Path.Combine(folder, "model.safetensors");
        if (File.Exists(preferred)) return preferred;
        var files = Directory.GetFiles(folder, "*.safetensors");
        return files.Length == 1 ? files[0] : null;
    }

    private static string? FindLora(string folder)
    {
        if (!Directory.Exists(folder)) return null;
        string preferred = Path.Combine(folder, PreferredLora);
        if (File.Exists(preferred)) return preferred;
        // merged_*.safetensors hold base weights with a LoRA folded in, not a LoRA.
        var files = Directory.GetFiles(folder, "*.safetensors")
            .Where(f => !Path.GetFileName(f).StartsWith("merged_", StringComparison.Ordinal)).ToArray();
        return files.Length == 1 ? files[0] : null;
    }

    private static JsonObject? ReadConfig(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return LenientJson.ParseObject(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new ConformanceInputException($"{path} is not a valid JSON object: {e.Message}", e);
        }
    }
}

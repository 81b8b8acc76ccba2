using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.World;

namespace CMLoRA.Cli.Commands;

/// <summary>
/// Parses `--lora FILE[:WEIGHT][:CATEGORY]`, e.g. `hero.safetensors:0.8:character`. FILE may also be the bare name of a
/// demo LoRA (`boovik`, `boovik:0.8`), looked up as NAME.safetensors in the demo LoRA folder; a demo LoRA of the
/// built-in world gets its concept's category unless one is given.
/// </summary>
public static class LoraSpec
{
    public static LoraRequest Parse(string spec) => Parse(spec, demoFolder: null);

    /// <param name="spec">The option's value.</param>
    /// <param name="demoFolder">Where bare names are looked up (<see cref="BuiltInModel.DemoLoraFolder"/>); null resolves none.</param>
    public static LoraRequest Parse(string spec, string? demoFolder)
    {
        var parts = spec.Split(':');
        string path = parts[0];
        float weight = 1f;
        LoraCategory? category = null;
        foreach (var part in parts.Skip(1))
        {
            if (float.TryParse(part, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out float w))
                weight = w;
            else if (Enum.TryParse<LoraCategory>(part, ignoreCase: true, out var c))
                category = c;
            else
                throw new ArgumentException(
                    $"'{part}' in --lora {spec} is neither a weight nor a category ({string.Join(", ", Enum.GetNames<LoraCategory>()).ToLowerInvariant()})");
        }
        if (path.Length == 0) throw new ArgumentException($"--lora {spec} names no file");
        if (IsBareName(path) && !File.Exists(path))
        {
            path = ResolveDemo(path, demoFolder);
            category ??= ConceptCatalog.Find(Path.GetFileNameWithoutExtension(path)) is { IsNovel: true } concept ? CategoryOf(concept.Category) : null;
        }
        return new LoraRequest(path, weight, category ?? LoraCategory.Other);
    }

    /// <summary>A name without a folder or extension, such as <c>boovik</c>.</summary>
    public static bool IsBareName(string path) =>
        path.IndexOfAny(['/', '\\']) < 0 && !path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) && path is not ("." or "..");

    private static string ResolveDemo(string name, string? demoFolder)
    {
        if (demoFolder == null || !Directory.Exists(demoFolder))
            throw new FileNotFoundException($"LoRA file not found: {name} (and there is no demo LoRA folder to look it up in: " +
                                            $"{BuiltInModel.RelativePath}/{BuiltInModel.LoraFolderName}, or set CMLORA_DEMO_LORAS)", name);
        var available = Directory.EnumerateFiles(demoFolder, "*.safetensors").Order(StringComparer.Ordinal).ToList();
        string? match = available.FirstOrDefault(f => string.Equals(Path.GetFileNameWithoutExtension(f), name, StringComparison.OrdinalIgnoreCase));
        if (match != null) return match;
        string names = available.Count == 0 ? "none" : string.Join(", ", available.Select(Path.GetFileNameWithoutExtension));
        throw new FileNotFoundException($"LoRA file not found: {name} (not a file, nor a demo LoRA in {demoFolder}; demo LoRAs: {names})", name);
    }

    private static LoraCategory CategoryOf(ConceptCategory category) => category switch
    {
        ConceptCategory.Character => LoraCategory.Character,
        ConceptCategory.Clothing => LoraCategory.Clothing,
        ConceptCategory.Style => LoraCategory.Style,
        ConceptCategory.Background => LoraCategory.Background,
        ConceptCategory.Object => LoraCategory.Object,
        _ => LoraCategory.Other,
    };
}

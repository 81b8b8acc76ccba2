using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;

namespace CMLoRA.Cli.Commands;

/// <summary>Parses `--lora FILE[:WEIGHT][:CATEGORY]`, e.g. `hero.safetensors:0.8:character`.</summary>
public static class LoraSpec
{
    public static LoraRequest Parse(string spec)
    {
        var parts = spec.Split(':');
        string path = parts[0];
        float weight = 1f;
        var category = LoraCategory.Other;
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
        return new LoraRequest(path, weight, category);
    }
}

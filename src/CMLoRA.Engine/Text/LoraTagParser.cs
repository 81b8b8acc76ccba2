using System.Globalization;
using System.Text.RegularExpressions;

namespace CMLoRA.Engine.Text;

/// <summary>
/// Takes AUTOMATIC1111 LoRA tags out of a prompt: <c>&lt;lora:name&gt;</c> (weight 1.0) and
/// <c>&lt;lora:name:0.8&gt;</c>; <c>lyco</c> is accepted as an alias of <c>lora</c>.
/// </summary>
/// <remarks>
/// Tags are found as the reference finds extra-network tags, <c>&lt;(\w+):([^&gt;]+)&gt;</c>; the network type is
/// matched case-insensitively. Other extra-network tags (<c>&lt;hypernet:…&gt;</c>) are left in the text. Only
/// the positional name and weight are supported: a tag with more arguments (the reference's separate UNet
/// weight, <c>dyn=</c> options) or a weight that is not a number is refused with a <see cref="FormatException"/>
/// rather than silently misread.
/// </remarks>
public static partial class LoraTagParser
{
    [GeneratedRegex(@"<(?<type>\w+):(?<args>[^>]+)>", RegexOptions.CultureInvariant)]
    private static partial Regex ExtraNetworkTag();

    /// <summary>Removes the LoRA tags from <paramref name="prompt"/> and returns them with the remaining text.</summary>
    /// <exception cref="FormatException">A LoRA tag has no name, a weight that is not a number, or extra arguments.</exception>
    public static LoraTagExtraction Extract(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var loras = new List<LoraTag>();
        string remaining = ExtraNetworkTag().Replace(prompt, match =>
        {
            string type = match.Groups["type"].Value;
            if (!type.Equals("lora", StringComparison.OrdinalIgnoreCase) && !type.Equals("lyco", StringComparison.OrdinalIgnoreCase))
                return match.Value;
            loras.Add(ParseTag(match.Value, match.Groups["args"].Value));
            return string.Empty;
        });
        return new LoraTagExtraction(remaining, loras);
    }

    private static LoraTag ParseTag(string tag, string arguments)
    {
        string[] parts = arguments.Split(':');
        string name = parts[0].Trim();
        if (name.Length == 0)
            throw new FormatException($"LoRA tag '{tag}' has no name: write <lora:name> or <lora:name:weight>.");
        if (parts.Length > 2)
            throw new FormatException($"LoRA tag '{tag}' has more than a name and a weight: write <lora:name:weight>.");
        if (parts.Length == 1) return new LoraTag(name, 1f);
        if (!float.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out float weight)
            || !float.IsFinite(weight))
            throw new FormatException($"LoRA tag '{tag}' has weight '{parts[1].Trim()}', which is not a number.");
        return new LoraTag(name, weight);
    }
}

namespace CMLoRA.Engine.Recipes;

/// <summary>
/// A1111 infotext split into its parts, values unquoted, nothing interpreted: <see cref="RecipeImport"/> maps it onto a
/// recipe. Keys keep their order and spelling; unknown keys (other tools' extensions) are kept.
/// </summary>
/// <param name="Prompt">The prompt lines, LoRA tags included.</param>
/// <param name="NegativePrompt">The text after <c>Negative prompt:</c>; empty when absent.</param>
/// <param name="Parameters">The <c>Key: value</c> pairs of the last line, in order.</param>
public sealed record ParsedInfotext(string Prompt, string NegativePrompt, IReadOnlyList<KeyValuePair<string, string>> Parameters)
{
    /// <summary>The value of <paramref name="key"/> (case-insensitive; the first when repeated), or null.</summary>
    public string? this[string key]
    {
        get
        {
            foreach (var pair in Parameters)
                if (string.Equals(pair.Key, key, StringComparison.OrdinalIgnoreCase)) return pair.Value;
            return null;
        }
    }

    /// <summary>
    /// The entries of a <c>Lora hashes</c> value, <c>name: hash, name2: hash</c>, in order; entries without a colon are
    /// skipped. Empty when the key is absent.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> LoraHashes()
    {
        var result = new List<KeyValuePair<string, string>>();
        if (this["Lora hashes"] is not { } value) return result;
        foreach (var entry in value.Split(','))
        {
            int colon = entry.LastIndexOf(':');
            if (colon <= 0) continue;
            string name = entry[..colon].Trim(), hash = entry[(colon + 1)..].Trim();
            if (name.Length > 0 && hash.Length > 0) result.Add(new(name, hash));
        }
        return result;
    }
}

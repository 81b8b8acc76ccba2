using System.Globalization;
using System.Text.RegularExpressions;
using CMLoRA.Engine.Text;

namespace CMLoRA.Web.Studio;

/// <summary>One A1111 LoRA tag found in a prompt, where it is, and what it says (or why it cannot be read).</summary>
public sealed record PromptTag(int Index, int Start, int Length, string Text, string Name, double Weight, string? Error);

/// <summary>
/// Edits the <c>&lt;lora:name:weight&gt;</c> tags of a prompt for the Generate page: finds them (each read by the
/// engine's <see cref="LoraTagParser"/>, so the page and the engine agree), changes a weight, removes a tag, and
/// completes a tag being typed at the end of the prompt.
/// </summary>
public static partial class PromptTags
{
    [GeneratedRegex(@"<(?:lora|lyco):[^>]+>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Tag();

    // "<lora:" and a partial name at the very end of the prompt: what the user is typing now.
    [GeneratedRegex(@"<(?:lora|lyco):(?<partial>[^<>:]*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OpenTag();

    [GeneratedRegex(@"[ \t]{2,}")]
    private static partial Regex Spaces();

    /// <summary>The LoRA tags of <paramref name="prompt"/> in order.</summary>
    public static IReadOnlyList<PromptTag> Find(string? prompt)
    {
        var tags = new List<PromptTag>();
        if (string.IsNullOrEmpty(prompt)) return tags;
        foreach (Match match in Tag().Matches(prompt))
        {
            try
            {
                var parsed = LoraTagParser.Extract(match.Value).Loras.Single();
                tags.Add(new PromptTag(tags.Count, match.Index, match.Length, match.Value, parsed.Name, Math.Round(parsed.Weight, 4), null));
            }
            catch (FormatException e)
            {
                tags.Add(new PromptTag(tags.Count, match.Index, match.Length, match.Value, "", 0, e.Message));
            }
        }
        return tags;
    }

    /// <summary>The prompt without its LoRA tags, as the engine receives it (runs of spaces left by a tag collapsed).</summary>
    public static string WithoutTags(string? prompt)
    {
        if (string.IsNullOrEmpty(prompt)) return "";
        string remaining = Tag().Replace(prompt, "");
        return Spaces().Replace(remaining, " ").Trim();
    }

    /// <summary>The prompt with tag <paramref name="tag"/> rewritten to <paramref name="weight"/>.</summary>
    public static string SetWeight(string prompt, PromptTag tag, double weight) =>
        prompt[..tag.Start] + Format(tag.Name, weight) + prompt[(tag.Start + tag.Length)..];

    /// <summary>The prompt without tag <paramref name="tag"/>.</summary>
    public static string Remove(string prompt, PromptTag tag)
    {
        string before = prompt[..tag.Start].TrimEnd(' '), after = prompt[(tag.Start + tag.Length)..].TrimStart(' ');
        return before.Length > 0 && after.Length > 0 ? before + " " + after : before + after;
    }

    /// <summary>The partial LoRA name typed after a trailing <c>&lt;lora:</c>, or null when no tag is open at the end.</summary>
    public static string? OpenPartial(string? prompt)
    {
        if (string.IsNullOrEmpty(prompt)) return null;
        var match = OpenTag().Match(prompt);
        return match.Success ? match.Groups["partial"].Value : null;
    }

    /// <summary>Closes the tag open at the end of the prompt as <c>&lt;lora:name:weight&gt;</c>.</summary>
    public static string Complete(string prompt, string name, double weight)
    {
        var match = OpenTag().Match(prompt);
        string head = match.Success ? prompt[..match.Index] : prompt + (prompt.Length > 0 && !prompt.EndsWith(' ') ? " " : "");
        return head + Format(name, weight);
    }

    /// <summary>A tag as A1111 writes it.</summary>
    public static string Format(string name, double weight) =>
        $"<lora:{name}:{weight.ToString("0.###", CultureInfo.InvariantCulture)}>";
}

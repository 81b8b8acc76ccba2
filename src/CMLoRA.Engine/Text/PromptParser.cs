using System.Globalization;
using System.Text.RegularExpressions;

namespace CMLoRA.Engine.Text;

/// <summary>
/// Parses AUTOMATIC1111-style emphasis: <c>(text)</c> ×1.1, <c>((text))</c> ×1.21, <c>[text]</c> ÷1.1,
/// <c>(text:1.3)</c> ×1.3, the escapes <c>\(</c> <c>\)</c> <c>\[</c> <c>\]</c> <c>\\</c>, and the <c>BREAK</c>
/// keyword. See docs/prompt-syntax.md.
/// </summary>
/// <remarks>
/// Follows <c>parse_prompt_attention</c> of stable-diffusion-webui: nested weights multiply; a bracket left open
/// is closed at the end of the prompt (<c>(unbalanced</c> is ×1.1); a closing bracket without an opening one is
/// kept as text; a backslash before any other character is dropped; neighbouring fragments of equal weight are
/// merged (so <c>(a)(b)</c> is the single fragment <c>ab</c> ×1.1). <c>BREAK</c> (upper case, a whole word) is a
/// marker, with the spaces around it removed.
/// Deviations from the reference, both where it misbehaves: <c>BREAK</c> inside brackets is still a break (the
/// reference multiplies its marker and then tokenizes the word "BREAK"), and an explicit weight that is not a
/// number (<c>(a:1.2.3)</c>) is kept as text (the reference raises an error).
/// </remarks>
public static partial class PromptParser
{
    private const double RoundBracketMultiplier = 1.1;
    private const double SquareBracketMultiplier = 1 / 1.1;

    // The reference's tokens, tried in this order: escapes, a lone backslash, brackets, ":weight)" closing a round
    // bracket, plain text, a lone colon.
    [GeneratedRegex(
        @"\\\(|\\\)|\\\[|\\\]|\\\\|\\|\(|\[|:\s*(?<weight>[+-]?[.0-9]+)\s*\)|\)|\]|[^\\()\[\]:]+|:",
        RegexOptions.CultureInvariant)]
    private static partial Regex AttentionToken();

    [GeneratedRegex(@"\s*\bBREAK\b\s*", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex BreakKeyword();

    /// <summary>Splits <paramref name="prompt"/> into weighted fragments.</summary>
    public static WeightedPrompt Parse(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var parts = new List<Part>();
        var roundOpen = new Stack<int>();
        var squareOpen = new Stack<int>();

        foreach (Match match in AttentionToken().Matches(prompt))
        {
            string token = match.Value;
            Group weight = match.Groups["weight"];
            if (token[0] == '\\')
                parts.Add(new Part(token[1..], 1.0));
            else if (token == "(")
                roundOpen.Push(parts.Count);
            else if (token == "[")
                squareOpen.Push(parts.Count);
            else if (weight.Success && roundOpen.Count > 0 && TryParseWeight(weight.Value, out double explicitWeight))
                Multiply(parts, roundOpen.Pop(), explicitWeight);
            else if (token == ")" && roundOpen.Count > 0)
                Multiply(parts, roundOpen.Pop(), RoundBracketMultiplier);
            else if (token == "]" && squareOpen.Count > 0)
                Multiply(parts, squareOpen.Pop(), SquareBracketMultiplier);
            else
                AddText(parts, token);
        }

        // Brackets still open at the end apply to everything after them.
        foreach (int start in roundOpen.Reverse()) Multiply(parts, start, RoundBracketMultiplier);
        foreach (int start in squareOpen.Reverse()) Multiply(parts, start, SquareBracketMultiplier);

        if (parts.Count == 0) parts.Add(new Part(string.Empty, 1.0));
        return new WeightedPrompt(Merge(parts));
    }

    private static void AddText(List<Part> parts, string text)
    {
        string[] pieces = BreakKeyword().Split(text);
        for (int i = 0; i < pieces.Length; i++)
        {
            if (i > 0) parts.Add(new Part(string.Empty, 1.0, IsBreak: true));
            parts.Add(new Part(pieces[i], 1.0));
        }
    }

    private static void Multiply(List<Part> parts, int start, double multiplier)
    {
        for (int i = start; i < parts.Count; i++)
            if (!parts[i].IsBreak) parts[i] = parts[i] with { Weight = parts[i].Weight * multiplier };
    }

    private static bool TryParseWeight(string text, out double weight) =>
        double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
            CultureInfo.InvariantCulture, out weight);

    private static List<PromptFragment> Merge(List<Part> parts)
    {
        var merged = new List<Part>(parts.Count);
        foreach (Part part in parts)
        {
            // Exact comparison, as the reference: only weights computed the same way merge.
            if (merged.Count > 0 && !part.IsBreak && !merged[^1].IsBreak && merged[^1].Weight == part.Weight)
                merged[^1] = merged[^1] with { Text = merged[^1].Text + part.Text };
            else
                merged.Add(part);
        }
        return merged.Select(p => p.IsBreak ? PromptFragment.Break : new PromptFragment(p.Text, (float)p.Weight)).ToList();
    }

    private readonly record struct Part(string Text, double Weight, bool IsBreak = false);
}

using System.Text.Json;
using System.Text.RegularExpressions;

namespace CMLoRA.Engine.Recipes;

/// <summary>
/// Reads A1111 infotext as A1111's own reader does: the last line holds the parameters when at least three
/// <c>Key: value</c> pairs are found in it, lines before are the prompt until one starts with <c>Negative prompt:</c>,
/// and quoted values are JSON strings. Tolerant: CRLF line ends, a missing negative prompt, a missing parameter line,
/// unknown keys and malformed quotes are all accepted.
/// </summary>
public static partial class InfotextParser
{
    /// <summary>Longest infotext read (characters); longer text is refused rather than scanned.</summary>
    public const int MaxLength = 256 * 1024;

    private const string NegativePrefix = "Negative prompt:";

    // A1111's re_param_code: a key that starts with a word character, then a JSON-quoted value or anything up to a comma.
    [GeneratedRegex("""\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)""", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Parameter();

    /// <summary>Splits <paramref name="text"/> into prompt, negative prompt and parameters.</summary>
    /// <exception cref="RecipeFormatException">The text is longer than <see cref="MaxLength"/>.</exception>
    public static ParsedInfotext Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
            throw new RecipeFormatException($"The infotext is {text.Length} characters long; at most {MaxLength} are read.");
        var lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Trim().Split('\n').ToList();
        string last = lines[^1];
        List<KeyValuePair<string, string>> parameters;
        try
        {
            parameters = ReadParameters(last);
        }
        catch (RegexMatchTimeoutException)
        {
            parameters = [];
        }
        if (parameters.Count >= 3) lines.RemoveAt(lines.Count - 1);
        else parameters = [];

        var prompt = new List<string>();
        var negative = new List<string>();
        bool inNegative = false;
        foreach (string raw in lines)
        {
            string line = raw.Trim();
            if (!inNegative && line.StartsWith(NegativePrefix, StringComparison.Ordinal))
            {
                inNegative = true;
                line = line[NegativePrefix.Length..].Trim();
            }
            (inNegative ? negative : prompt).Add(line);
        }
        return new ParsedInfotext(string.Join('\n', prompt), string.Join('\n', negative), parameters);
    }

    private static List<KeyValuePair<string, string>> ReadParameters(string line)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (Match match in Parameter().Matches(line))
        {
            string key = match.Groups[1].Value.Trim();
            if (key.Length == 0) continue;
            result.Add(new(key, Unquote(match.Groups[2].Value.Trim())));
        }
        return result;
    }

    /// <summary>A1111's unquote: a value in double quotes is read as a JSON string; one that is not valid JSON stays as written.</summary>
    public static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"') return value;
        try
        {
            return JsonSerializer.Deserialize<string>(value) ?? value;
        }
        catch (JsonException)
        {
            return value;
        }
    }
}

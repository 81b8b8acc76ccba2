using System.Text;
using System.Text.RegularExpressions;

namespace CMLoRA.Engine.Text;

/// <summary>
/// The text repairs that the reference SD 1.x tokenizer gets from <c>ftfy.fix_text</c> (ftfy 6.x, default
/// settings), limited to what changes a prompt's tokens.
/// </summary>
/// <remarks>
/// As in ftfy, the text is fixed line by line (each segment ends after a <c>\n</c>), and each segment is fixed
/// repeatedly until nothing changes (so <c>&amp;amp;amp;</c> becomes <c>&amp;</c>). HTML references are not decoded
/// in a line containing <c>&lt;</c>, nor in any line after it. Per pass, in ftfy's order: HTML references,
/// mojibake, C1 controls read as Windows-1252, Latin ligatures, full-width and half-width forms, curly quotes,
/// line breaks, lone surrogates, terminal escapes, control characters, then NFC.
/// See <see cref="HtmlEntityDecoder"/> and <see cref="MojibakeRepair"/> for what is simplified there.
/// </remarks>
internal static partial class PromptTextFixer
{
    [GeneratedRegex(@"\x1B\[[0-9;]*[a-zA-Z]", RegexOptions.CultureInvariant)]
    private static partial Regex TerminalEscape();

    public static string Fix(string text)
    {
        var fixedText = new StringBuilder(text.Length);
        bool decodeHtml = true;
        int start = 0;
        while (start < text.Length)
        {
            int newline = text.IndexOf('\n', start);
            int end = newline < 0 ? text.Length : newline + 1;
            string segment = text[start..end];
            if (segment.Contains('<')) decodeHtml = false; // ftfy: text with '<' may be HTML; leave its references
            fixedText.Append(FixSegment(segment, decodeHtml));
            start = end;
        }
        return fixedText.ToString();
    }

    private static string FixSegment(string text, bool decodeHtml)
    {
        while (true)
        {
            string before = text;
            if (decodeHtml) text = HtmlEntityDecoder.Decode(text);
            text = MojibakeRepair.Repair(text);
            text = MapChars(text, FixC1Control);
            text = MapChars(text, SplitLatinLigature);
            text = MapChars(text, NarrowWidth);
            text = MapChars(text, StraightenQuote);
            text = text.Replace("\r\n", "\n").Replace('\r', '\n').Replace('\u2028', '\n').Replace('\u2029', '\n')
                .Replace('\u0085', '\n');
            text = ReplaceLoneSurrogates(text);
            text = TerminalEscape().Replace(text, string.Empty);
            text = MapChars(text, c => IsUnwantedControl(c) ? string.Empty : null);
            if (!text.IsNormalized(NormalizationForm.FormC)) text = text.Normalize(NormalizationForm.FormC);
            if (text == before) return text;
        }
    }

    /// <summary>Replaces each char for which <paramref name="map"/> gives a string; null keeps the char.</summary>
    private static string MapChars(string text, Func<char, string?> map)
    {
        StringBuilder? mapped = null;
        for (int i = 0; i < text.Length; i++)
        {
            string? replacement = map(text[i]);
            if (replacement is null)
            {
                mapped?.Append(text[i]);
                continue;
            }
            mapped ??= new StringBuilder(text.Length).Append(text, 0, i);
            mapped.Append(replacement);
        }
        return mapped?.ToString() ?? text;
    }

    // C1 controls are nearly always Windows-1252 bytes read as Latin-1; browsers read them that way too.
    private static string? FixC1Control(char c)
    {
        if (c is < '\u0080' or > '\u009F') return null;
        char windows1252 = Windows1252.DecodeHighControl(c);
        return windows1252 == c ? null : windows1252.ToString(); // the five undefined bytes stay as they are
    }

    private static string? SplitLatinLigature(char c) => c switch
    {
        'Ĳ' => "IJ", 'ĳ' => "ij", 'ŉ' => "ʼn",
        'Ǳ' => "DZ", 'ǲ' => "Dz", 'ǳ' => "dz", 'Ǆ' => "DŽ", 'ǅ' => "Dž", 'ǆ' => "dž",
        'Ǉ' => "LJ", 'ǈ' => "Lj", 'ǉ' => "lj", 'Ǌ' => "NJ", 'ǋ' => "Nj", 'ǌ' => "nj",
        'ﬀ' => "ff", 'ﬁ' => "fi", 'ﬂ' => "fl", 'ﬃ' => "ffi", 'ﬄ' => "ffl", 'ﬅ' => "ſt", 'ﬆ' => "st",
        _ => null,
    };

    // Full-width ASCII and half-width kana/Hangul (U+FF01–U+FFEF) become their NFKC forms; U+3000 a plain space.
    private static string? NarrowWidth(char c)
    {
        if (c == '\u3000') return " ";
        if (c is < '\uFF01' or > '\uFFEF') return null;
        string normalized = c.ToString().Normalize(NormalizationForm.FormKC);
        return normalized == c.ToString() ? null : normalized;
    }

    private static string? StraightenQuote(char c) => c switch
    {
        '\u02BC' or >= '\u2018' and <= '\u201B' => "'",
        >= '\u201C' and <= '\u201F' => "\"",
        _ => null,
    };

    private static bool IsUnwantedControl(char c) =>
        c is <= '\u0008' or '\u000B' or >= '\u000E' and <= '\u001F' or '\u007F'
            or >= '\u206A' and <= '\u206F' or '\uFEFF' or >= '\uFFF9' and <= '\uFFFC';

    private static string ReplaceLoneSurrogates(string text)
    {
        StringBuilder? repaired = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pair)
            {
                repaired?.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                repaired ??= new StringBuilder(text.Length).Append(text, 0, i);
                repaired.Append('\uFFFD');
            }
            else
            {
                repaired?.Append(c);
            }
        }
        return repaired?.ToString() ?? text;
    }
}

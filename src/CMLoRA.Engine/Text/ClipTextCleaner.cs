using System.Globalization;
using System.Text;

namespace CMLoRA.Engine.Text;

/// <summary>
/// The text normalisation of the reference SD 1.x tokenizer (Hugging Face <c>CLIPTokenizer</c> with ftfy):
/// <c>whitespace_clean(ftfy.fix_text(text)).lower()</c>.
/// </summary>
internal static class ClipTextCleaner
{
    public static string Clean(string text)
    {
        string fixedText = PromptTextFixer.Fix(text);
        return PythonLower(CollapseWhitespace(fixedText));
    }

    /// <summary>Every run of white space becomes one space; leading and trailing spaces go.</summary>
    private static string CollapseWhitespace(string text)
    {
        var collapsed = new StringBuilder(text.Length);
        bool pendingSpace = false;
        foreach (char c in text)
        {
            if (IsPythonSpace(c))
            {
                pendingSpace = collapsed.Length > 0;
                continue;
            }
            if (pendingSpace) collapsed.Append(' ');
            pendingSpace = false;
            collapsed.Append(c);
        }
        return collapsed.ToString();
    }

    // Python's str.isspace(): Unicode white space plus the information separators U+001C–U+001F.
    private static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary>
    /// Python's <c>str.lower()</c>: the full Unicode lower-case mapping, which differs from simple per-character
    /// lowering in two places: <c>İ</c> (U+0130) becomes <c>i</c> + U+0307, and a capital sigma that ends a word
    /// becomes <c>ς</c> instead of <c>σ</c>.
    /// </summary>
    internal static string PythonLower(string text)
    {
        var lower = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            Rune rune = Rune.GetRuneAt(text, i);
            if (rune.Value == 0x0130) lower.Append("i\u0307");
            else if (rune.Value == 0x03A3) lower.Append(IsFinalSigma(text, i) ? 'ς' : 'σ');
            else lower.Append(Rune.ToLowerInvariant(rune).ToString());
            i += rune.Utf16SequenceLength;
        }
        return lower.ToString();
    }

    /// <summary>
    /// Unicode's Final_Sigma condition: a cased letter before (skipping case-ignorable characters) and no cased
    /// letter after (again skipping case-ignorable ones).
    /// </summary>
    private static bool IsFinalSigma(string text, int index)
    {
        int before = index;
        Rune previous = default;
        bool found = false;
        while (before > 0)
        {
            Rune.DecodeLastFromUtf16(text.AsSpan(0, before), out previous, out int consumed);
            before -= consumed;
            if (!IsCaseIgnorable(previous)) { found = true; break; }
        }
        if (!found || !IsCased(previous)) return false;

        int after = index + 1;
        while (after < text.Length)
        {
            Rune next = Rune.GetRuneAt(text, after);
            if (!IsCaseIgnorable(next)) return !IsCased(next);
            after += next.Utf16SequenceLength;
        }
        return true;
    }

    private static bool IsCased(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter
        || Rune.ToLowerInvariant(rune) != rune || Rune.ToUpperInvariant(rune) != rune;

    private static bool IsCaseIgnorable(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol
        // Word_Break MidLetter, MidNumLet and Single_Quote characters.
        || rune.Value is '\'' or '.' or ':' or '\u00B7' or '\u0387' or '\u05F4' or '\u2018' or '\u2019'
            or '\u2024' or '\u2027' or '\uFE13' or '\uFE52' or '\uFE55' or '\uFF07' or '\uFF0E' or '\uFF1A';
}

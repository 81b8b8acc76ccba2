using System.Globalization;
using System.Text;

namespace CMLoRA.Engine.Text;

/// <summary>
/// Splits cleaned, lower-cased text into the words that BPE encodes one by one, exactly as the reference
/// tokenizer's <c>regex.findall</c> with IGNORECASE and the pattern
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>.
/// </summary>
/// <remarks>
/// Written as a scanner over code points rather than a .NET <c>Regex</c>, because .NET regular expressions see
/// UTF-16 code units: an astral letter or digit (𝒥, 𝟙, CJK extension B) would not match <c>\p{L}</c>/<c>\p{N}</c>.
/// At each position the alternatives are tried left to right; characters matching none (spaces) are skipped.
/// </remarks>
internal static class ClipPreTokenizer
{
    private static readonly string[] SpecialTokens = [ClipVocabulary.StartOfText, ClipVocabulary.EndOfText];
    private static readonly string[] Contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    public static List<string> Split(string text)
    {
        var words = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            int length = MatchAt(text, i);
            if (length > 0)
            {
                words.Add(text.Substring(i, length));
                i += length;
            }
            else
            {
                i += Rune.GetRuneAt(text, i).Utf16SequenceLength; // whitespace: matched by no alternative
            }
        }
        return words;
    }

    private static int MatchAt(string text, int start)
    {
        ReadOnlySpan<char> rest = text.AsSpan(start);
        foreach (string special in SpecialTokens)
            if (rest.StartsWith(special, StringComparison.OrdinalIgnoreCase)) return special.Length;
        foreach (string contraction in Contractions)
            if (rest.StartsWith(contraction, StringComparison.OrdinalIgnoreCase)) return contraction.Length;

        Rune first = Rune.GetRuneAt(text, start);
        CharacterClass kind = Classify(first);
        if (kind == CharacterClass.Number) return first.Utf16SequenceLength;
        if (kind == CharacterClass.Space) return 0;

        // A run of letters, or a run of everything that is neither letter, digit nor space.
        int end = start + first.Utf16SequenceLength;
        while (end < text.Length)
        {
            Rune next = Rune.GetRuneAt(text, end);
            if (Classify(next) != kind) break;
            end += next.Utf16SequenceLength;
        }
        return end - start;
    }

    private enum CharacterClass { Letter, Number, Space, Other }

    private static CharacterClass Classify(Rune rune)
    {
        if (Rune.IsWhiteSpace(rune)) return CharacterClass.Space;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharacterClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                => CharacterClass.Number,
            _ => CharacterClass.Other,
        };
    }
}

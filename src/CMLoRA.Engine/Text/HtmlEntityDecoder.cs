using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace CMLoRA.Engine.Text;

/// <summary>
/// Decodes HTML character references the way ftfy's <c>unescape_html</c> does: only complete references that
/// end in <c>;</c> (<c>&amp;amp;</c>, <c>&amp;#39;</c>, <c>&amp;#x263A;</c>), plus all-caps names of the
/// lower-case ones (<c>&amp;AMP;</c>, <c>&amp;EACUTE;</c> → É). <c>AT&amp;T</c> or <c>&amp;notanentity;</c> stay as written.
/// </summary>
/// <remarks>
/// Named references use the HTML 4 set that <see cref="WebUtility.HtmlDecode(string)"/> knows (253 names, all the
/// common ones); the HTML5-only names ftfy also accepts (<c>&amp;checkmark;</c>) are left as written.
/// Numeric references follow Python's <c>html.unescape</c>: 0x80–0x9F are read as Windows-1252, 0 and
/// surrogates or values past U+10FFFF give U+FFFD, other control characters and non-characters give nothing.
/// </remarks>
internal static partial class HtmlEntityDecoder
{
    [GeneratedRegex("&#?[0-9A-Za-z]{1,24};", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    public static string Decode(string text) =>
        text.Contains('&') ? Reference().Replace(text, match => DecodeOne(match.Value)) : text;

    private static string DecodeOne(string reference)
    {
        if (reference[1] == '#') return DecodeNumeric(reference) ?? reference;
        string name = reference[1..^1];
        string? decoded = DecodeName(name);
        if (decoded is not null) return decoded;
        // ftfy also reads an all-caps spelling of a lower-case name, upper-casing its character.
        if (name.Any(char.IsUpper) && !name.Any(char.IsLower))
        {
            string? lower = DecodeName(name.ToLowerInvariant());
            if (lower is not null) return lower == "ß" ? "SS" : lower.ToUpperInvariant();
        }
        return reference;
    }

    private static string? DecodeName(string name)
    {
        string reference = "&" + name + ";";
        string decoded = WebUtility.HtmlDecode(reference);
        return decoded == reference ? null : decoded;
    }

    private static string? DecodeNumeric(string reference)
    {
        ReadOnlySpan<char> digits = reference.AsSpan(2, reference.Length - 3);
        bool hex = digits.Length > 0 && digits[0] is 'x' or 'X';
        if (hex) digits = digits[1..];
        if (digits.IsEmpty) return null;
        foreach (char c in digits)
            if (hex ? !char.IsAsciiHexDigit(c) : !char.IsAsciiDigit(c)) return null;

        long value = 0;
        foreach (char c in digits)
        {
            value = value * (hex ? 16 : 10) + HexDigitValue(c);
            if (value > 0x10FFFF) return "\uFFFD";
        }
        return CodePointText((int)value);
    }

    private static int HexDigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => c - 'A' + 10,
    };

    private static string CodePointText(int value)
    {
        if (value == 0) return "\uFFFD";
        if (value == 0x0D) return "\r";
        if (value is >= 0x80 and <= 0x9F) return Windows1252.DecodeHighControl(value).ToString();
        if (value is >= 0xD800 and <= 0xDFFF) return "\uFFFD";
        bool invalid = value is >= 0x01 and <= 0x08 or 0x0B or >= 0x0E and <= 0x1F or 0x7F
            or >= 0xFDD0 and <= 0xFDEF || (value & 0xFFFE) == 0xFFFE;
        return invalid ? string.Empty : new Rune(value).ToString();
    }
}

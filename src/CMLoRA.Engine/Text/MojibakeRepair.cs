using System.Text;

namespace CMLoRA.Engine.Text;

/// <summary>
/// Repairs UTF-8 text that was decoded as Windows-1252 or Latin-1 (<c>cafÃ©</c> → <c>café</c>): the part of
/// ftfy's <c>fix_encoding</c> that matters for prompts.
/// </summary>
/// <remarks>
/// ftfy first scores the whole text with a "badness" heuristic and then re-decodes the whole text (or, failing
/// that, each UTF-8-looking run). This simpler repair re-decodes each run of characters whose Windows-1252/Latin-1
/// bytes form a complete, valid UTF-8 multi-byte sequence (lead byte 0xC2–0xF4 followed by its continuation bytes
/// 0x80–0xBF). Legitimate text practically never contains such runs (<c>Ã©</c>, <c>Ã¯</c>, <c>â€™</c>), and
/// ordinary accented text never does (<c>é</c> is 0xE9 and needs two continuation bytes after it).
/// Not ported: ftfy's other single-byte code pages (1250, 1251, 1253, 1254, 1257, ISO 8859-2, MacRoman, CP437),
/// its repair of 0xA0 bytes turned into spaces, and its CESU-8 variants.
/// </remarks>
internal static class MojibakeRepair
{
    public static string Repair(string text)
    {
        StringBuilder? repaired = null;
        int copiedUpTo = 0;
        Span<byte> bytes = stackalloc byte[4];
        for (int i = 0; i < text.Length; i++)
        {
            int length = SequenceLengthAt(text, i, bytes);
            if (length == 0) continue;
            string? decoded = DecodeStrict(bytes[..length]);
            if (decoded is null) continue;
            repaired ??= new StringBuilder(text.Length);
            repaired.Append(text, copiedUpTo, i - copiedUpTo).Append(decoded);
            copiedUpTo = i + length;
            i += length - 1;
        }
        if (repaired is null) return text;
        return repaired.Append(text, copiedUpTo, text.Length - copiedUpTo).ToString();
    }

    /// <summary>The length of the UTF-8 sequence the characters at <paramref name="start"/> spell, or 0.</summary>
    private static int SequenceLengthAt(string text, int start, Span<byte> bytes)
    {
        if (!Windows1252.TryEncode(text[start], out byte lead)) return 0;
        int length = lead switch
        {
            >= 0xC2 and <= 0xDF => 2,
            >= 0xE0 and <= 0xEF => 3,
            >= 0xF0 and <= 0xF4 => 4,
            _ => 0,
        };
        if (length == 0 || start + length > text.Length) return 0;
        bytes[0] = lead;
        for (int k = 1; k < length; k++)
        {
            if (!Windows1252.TryEncode(text[start + k], out byte continuation) || continuation is < 0x80 or > 0xBF)
                return 0;
            bytes[k] = continuation;
        }
        return length;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string? DecodeStrict(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes); // rejects overlong forms, surrogates and code points past U+10FFFF
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}

namespace CMLoRA.Engine.Text;

/// <summary>
/// The "sloppy" Windows-1252 code page that mojibake repair needs: bytes 0x80–0x9F are the Windows-1252
/// characters, and the five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) stand for the
/// C1 control of the same number, as in Latin-1.
/// </summary>
internal static class Windows1252
{
    private static readonly char[] HighControls =
    [
        '\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
        '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F',
        '\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
        '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178',
    ];

    private static readonly Dictionary<char, byte> HighControlBytes =
        HighControls.Select((c, i) => (c, b: (byte)(0x80 + i))).ToDictionary(p => p.c, p => p.b);

    /// <summary>The character byte 0x80–0x9F decodes to.</summary>
    public static char DecodeHighControl(int value) => HighControls[value - 0x80];

    /// <summary>
    /// The byte <paramref name="c"/> would have been read from, in Windows-1252 or Latin-1; false when neither
    /// code page has it.
    /// </summary>
    public static bool TryEncode(char c, out byte value)
    {
        if (c < 0x80 || c is >= '\u00A0' and <= '\u00FF' || c is >= '\u0080' and <= '\u009F')
        {
            value = (byte)c;
            return true;
        }
        return HighControlBytes.TryGetValue(c, out value);
    }
}

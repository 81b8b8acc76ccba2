using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace CMLoRA.Engine.Recipes;

/// <summary>
/// Writes and reads the generation metadata of PNG files: the A1111 <c>parameters</c> text chunk (tEXt, or iTXt when
/// the text is not Latin-1, as PIL chooses) and our <c>cmlora-recipe</c> iTXt chunk with the recipe JSON. Reading
/// treats the bytes as untrusted: chunk bounds are checked against the buffer, CRCs are verified, text chunks above
/// <see cref="MaxTextChunkBytes"/> are skipped, and compressed text stops at <see cref="MaxDecompressedBytes"/>.
/// </summary>
public static class PngMetadata
{
    /// <summary>Keyword of A1111's infotext chunk.</summary>
    public const string ParametersKeyword = "parameters";

    /// <summary>Keyword of our recipe chunk.</summary>
    public const string RecipeKeyword = "cmlora-recipe";

    /// <summary>Largest text chunk read (stored bytes); larger ones are skipped with a warning.</summary>
    public const int MaxTextChunkBytes = 4 * 1024 * 1024;

    /// <summary>Most bytes one compressed text chunk may inflate to; beyond it the chunk is skipped (no decompression bombs).</summary>
    public const int MaxDecompressedBytes = 4 * 1024 * 1024;

    /// <summary>Most text chunks looked at; more are ignored.</summary>
    public const int MaxTextChunks = 64;

    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// A copy of <paramref name="png"/> with <paramref name="infotext"/> and, when given, <paramref name="recipeJson"/>
    /// in text chunks just before IEND. Existing chunks with the same keywords are replaced.
    /// </summary>
    /// <exception cref="RecipeFormatException">The bytes are not a well-formed PNG.</exception>
    public static byte[] Embed(byte[] png, string infotext, string? recipeJson)
    {
        ArgumentNullException.ThrowIfNull(png);
        ArgumentNullException.ThrowIfNull(infotext);
        var chunks = PngChunkReader.Chunks(png, out bool truncated);
        if (truncated || chunks.Count == 0 || chunks[^1].Type != "IEND")
            throw new RecipeFormatException("The PNG is truncated: it does not end with an IEND chunk.");

        using var output = new MemoryStream(png.Length + infotext.Length * 2 + (recipeJson?.Length ?? 0) * 2 + 256);
        output.Write(Signature);
        foreach (var chunk in chunks)
        {
            if (chunk.Type == "IEND")
            {
                WriteChunk(output, IsLatin1(infotext) ? "tEXt" : "iTXt", IsLatin1(infotext) ? TextData(ParametersKeyword, infotext) : ITextData(ParametersKeyword, infotext));
                if (recipeJson is not null) WriteChunk(output, "iTXt", ITextData(RecipeKeyword, recipeJson));
            }
            else if (chunk.IsText && KeywordOf(png.AsSpan(chunk.DataOffset, chunk.Length)) is ParametersKeyword or RecipeKeyword)
            {
                continue;
            }
            output.Write(png, chunk.Offset, chunk.Length + 12);
        }
        return output.ToArray();
    }

    /// <summary>Reads the text chunks of untrusted PNG bytes.</summary>
    /// <exception cref="RecipeFormatException">The bytes do not start with the PNG signature.</exception>
    public static PngTextMetadata Read(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        var chunks = PngChunkReader.Chunks(png, out bool truncated);
        var warnings = new List<string>();
        if (truncated) warnings.Add("The PNG is truncated; chunks before the cut were read.");
        string? infotext = null, recipe = null;
        var other = new Dictionary<string, string>(StringComparer.Ordinal);
        int seen = 0;
        foreach (var chunk in chunks.Where(c => c.IsText))
        {
            if (++seen > MaxTextChunks)
            {
                warnings.Add($"More than {MaxTextChunks} text chunks; the rest were ignored.");
                break;
            }
            if (chunk.Length > MaxTextChunkBytes)
            {
                warnings.Add($"{chunk.Type} chunk at byte {chunk.Offset} holds {chunk.Length} bytes (more than {MaxTextChunkBytes}); skipped.");
                continue;
            }
            if (!PngChunkReader.CrcMatches(png, chunk))
            {
                warnings.Add($"{chunk.Type} chunk at byte {chunk.Offset} has a wrong CRC; skipped.");
                continue;
            }
            var (keyword, text, problem) = PngTextChunk.Decode(chunk.Type, png.AsSpan(chunk.DataOffset, chunk.Length), MaxDecompressedBytes);
            if (problem is not null || keyword is null || text is null)
            {
                warnings.Add($"{chunk.Type} chunk at byte {chunk.Offset}: {problem}; skipped.");
                continue;
            }
            if (keyword == ParametersKeyword) Assign(ref infotext, text, keyword, warnings);
            else if (keyword == RecipeKeyword) Assign(ref recipe, text, keyword, warnings);
            else other.TryAdd(keyword, text);
        }
        return new PngTextMetadata(infotext, recipe, other, warnings);
    }

    private static void Assign(ref string? slot, string text, string keyword, List<string> warnings)
    {
        if (slot is null) slot = text;
        else warnings.Add($"A second '{keyword}' chunk was ignored.");
    }

    private static bool IsLatin1(string text)
    {
        foreach (char c in text)
            if (c > '\u00FF' || c == '\0') return false;
        return true;
    }

    private static string? KeywordOf(ReadOnlySpan<byte> data)
    {
        int nul = data.IndexOf((byte)0);
        return nul is > 0 and < 80 ? Encoding.Latin1.GetString(data[..nul]) : null;
    }

    private static byte[] TextData(string keyword, string text)
    {
        var data = new List<byte>(keyword.Length + 1 + text.Length);
        data.AddRange(Encoding.Latin1.GetBytes(keyword));
        data.Add(0);
        data.AddRange(Encoding.Latin1.GetBytes(text));
        return data.ToArray();
    }

    // iTXt: keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, UTF-8 text.
    private static byte[] ITextData(string keyword, string text)
    {
        var data = new List<byte>(keyword.Length + 5 + text.Length * 2);
        data.AddRange(Encoding.Latin1.GetBytes(keyword));
        data.AddRange((byte[])[0, 0, 0, 0, 0]);
        data.AddRange(Encoding.UTF8.GetBytes(text));
        return data.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        Encoding.ASCII.GetBytes(type, header[4..]);
        output.Write(header);
        output.Write(data);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Compute(header[4..], data));
        output.Write(crc);
    }

    /// <summary>Deflates <paramref name="data"/> as a zlib stream (for tests and callers that want zTXt).</summary>
    internal static byte[] Zlib(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var z = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) z.Write(data);
        return buffer.ToArray();
    }
}

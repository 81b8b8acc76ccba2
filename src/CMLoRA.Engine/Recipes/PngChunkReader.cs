using System.Buffers.Binary;

namespace CMLoRA.Engine.Recipes;

/// <summary>One chunk of a PNG buffer: where it starts (its length field), its type and data length.</summary>
internal readonly record struct PngChunk(int Offset, string Type, int Length)
{
    public int DataOffset => Offset + 8;

    public bool IsText => Type is "tEXt" or "zTXt" or "iTXt";
}

/// <summary>Walks the chunk list of a PNG buffer, checking every length against the bytes that are there.</summary>
internal static class PngChunkReader
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The chunks up to and including IEND; <paramref name="truncated"/> when the buffer ends inside a chunk or without IEND.</summary>
    public static List<PngChunk> Chunks(byte[] png, out bool truncated)
    {
        if (png.Length < Signature.Length || !png.AsSpan(0, Signature.Length).SequenceEqual(Signature))
            throw new RecipeFormatException("The file is not a PNG (its first bytes are not the PNG signature).");
        var chunks = new List<PngChunk>();
        long position = Signature.Length;
        truncated = true;
        while (position + 12 <= png.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan((int)position, 4));
            // The PNG specification caps chunk lengths at 2^31 − 1; the chunk must also fit in what was given.
            if (length > int.MaxValue || position + 12 + length > png.Length) break;
            var typeBytes = png.AsSpan((int)position + 4, 4);
            if (!IsChunkType(typeBytes)) break;
            string type = System.Text.Encoding.ASCII.GetString(typeBytes);
            chunks.Add(new PngChunk((int)position, type, (int)length));
            position += 12 + length;
            if (type == "IEND")
            {
                truncated = false;
                break;
            }
        }
        return chunks;
    }

    public static bool CrcMatches(byte[] png, PngChunk chunk)
    {
        uint stored = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(chunk.DataOffset + chunk.Length, 4));
        return stored == Crc32.Compute(png.AsSpan(chunk.Offset + 4, 4), png.AsSpan(chunk.DataOffset, chunk.Length));
    }

    private static bool IsChunkType(ReadOnlySpan<byte> type)
    {
        foreach (byte b in type)
            if (!(b is >= (byte)'A' and <= (byte)'Z' || b is >= (byte)'a' and <= (byte)'z')) return false;
        return true;
    }
}

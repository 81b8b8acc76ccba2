using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using CMLoRA.Engine.Generation;

namespace CMLoRA.Engine.Tests.Recipes;

/// <summary>Builds PNG byte streams chunk by chunk, with correct or deliberately wrong CRCs, for the metadata tests.</summary>
internal static class PngBytes
{
    /// <summary>A real 4×2 RGB PNG from the engine's encoder.</summary>
    public static byte[] Small() => PngEncoding.EncodeRgb(Enumerable.Range(0, 4 * 2 * 3).Select(i => (byte)(i * 10)).ToArray(), 4, 2);

    public static List<(string Type, byte[] Data, uint Crc)> Chunks(byte[] png)
    {
        var result = new List<(string, byte[], uint)>();
        int p = 8;
        while (p + 12 <= png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(p));
            string type = Encoding.ASCII.GetString(png, p + 4, 4);
            result.Add((type, png.AsSpan(p + 8, length).ToArray(), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(p + 8 + length))));
            p += 12 + length;
        }
        return result;
    }

    /// <summary>CRC-32 of type + data, computed independently of the code under test (bitwise, no table).</summary>
    public static uint Crc(string type, byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in Encoding.ASCII.GetBytes(type).Concat(data))
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>Inserts a chunk before IEND; <paramref name="crc"/> overrides the correct CRC.</summary>
    public static byte[] Insert(byte[] png, string type, byte[] data, uint? crc = null)
    {
        int iend = png.Length - 12;
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), crc ?? Crc(type, data));
        return [.. png.AsSpan(0, iend), .. chunk, .. png.AsSpan(iend)];
    }

    public static byte[] Text(string keyword, string text) => [.. Encoding.Latin1.GetBytes(keyword), 0, .. Encoding.Latin1.GetBytes(text)];

    public static byte[] ZText(string keyword, byte[] uncompressed) => [.. Encoding.Latin1.GetBytes(keyword), 0, 0, .. Zlib(uncompressed)];

    public static byte[] IText(string keyword, string text, bool compressed)
    {
        byte[] body = Encoding.UTF8.GetBytes(text);
        return [.. Encoding.Latin1.GetBytes(keyword), 0, (byte)(compressed ? 1 : 0), 0, .. "en"u8, 0, .. "Parameters"u8, 0, .. compressed ? Zlib(body) : body];
    }

    public static byte[] Zlib(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var z = new ZLibStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true)) z.Write(data);
        return buffer.ToArray();
    }
}

using System.Buffers.Binary;
using System.Text;

namespace CMLoRA.Web.Tests;

/// <summary>Reads a PNG's chunks in the test, independently of the engine's reader.</summary>
public static class PngChunks
{
    public static IEnumerable<(string Type, byte[] Data)> All(byte[] png)
    {
        for (int at = 8; at + 8 <= png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at, 4));
            yield return (Encoding.ASCII.GetString(png, at + 4, 4), png.AsSpan(at + 8, length).ToArray());
            at += 12 + length;
        }
    }

    /// <summary>The text of the uncompressed tEXt or iTXt chunk with <paramref name="keyword"/>, or null.</summary>
    public static string? Text(byte[] png, string keyword)
    {
        foreach (var (type, data) in All(png))
        {
            int end = Array.IndexOf(data, (byte)0);
            if (end < 0 || Encoding.Latin1.GetString(data, 0, end) != keyword) continue;
            if (type == "tEXt") return Encoding.Latin1.GetString(data, end + 1, data.Length - end - 1);
            if (type != "iTXt") continue;
            Assert.Equal(0, data[end + 1]); // not compressed
            int at = end + 3;
            at = Array.IndexOf(data, (byte)0, at) + 1; // language tag
            at = Array.IndexOf(data, (byte)0, at) + 1; // translated keyword
            return Encoding.UTF8.GetString(data, at, data.Length - at);
        }
        return null;
    }

    /// <summary>The concatenated IDAT chunks: the compressed pixels without any metadata.</summary>
    public static byte[] ImageData(byte[] png)
    {
        var data = All(png).Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray();
        Assert.NotEmpty(data);
        return data;
    }
}

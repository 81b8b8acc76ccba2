using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace CMLoRA.Browser.Tests.Studio;

/// <summary>
/// The pixel data of a PNG: its IHDR fields and the inflated IDAT stream (the filtered scanlines; the studio encodes
/// deterministically, so equal pixels give equal streams), independent of the text chunks around them.
/// </summary>
public static class PngPixels
{
    public static (byte[] Header, byte[] Data) Read(byte[] png)
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (!png.AsSpan(0, 8).SequenceEqual(signature)) throw new InvalidDataException("not a PNG");
        byte[]? header = null;
        using var idat = new MemoryStream();
        int offset = 8;
        while (offset + 8 <= png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            string type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length);
            if (type == "IHDR") header = data.ToArray();
            else if (type == "IDAT") idat.Write(data);
            else if (type == "IEND") break;
            offset += 12 + length;
        }
        idat.Position = 0;
        using var inflate = new ZLibStream(idat, CompressionMode.Decompress);
        using var pixels = new MemoryStream();
        inflate.CopyTo(pixels);
        return (header ?? throw new InvalidDataException("no IHDR"), pixels.ToArray());
    }
}

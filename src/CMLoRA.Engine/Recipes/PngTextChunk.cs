using System.IO.Compression;
using System.Text;

namespace CMLoRA.Engine.Recipes;

/// <summary>Decodes the data of tEXt, zTXt and iTXt chunks (PNG specification 11.3.4), inflating with a size cap.</summary>
internal static class PngTextChunk
{
    public static (string? Keyword, string? Text, string? Problem) Decode(string type, ReadOnlySpan<byte> data, int maxDecompressed)
    {
        int nul = data.IndexOf((byte)0);
        if (nul is < 1 or > 79) return (null, null, "no keyword of 1 to 79 bytes");
        string keyword = Encoding.Latin1.GetString(data[..nul]);
        var rest = data[(nul + 1)..];
        switch (type)
        {
            case "tEXt":
                return (keyword, Encoding.Latin1.GetString(rest), null);
            case "zTXt":
            {
                if (rest.Length < 1 || rest[0] != 0) return (keyword, null, "unknown compression method");
                var inflated = Inflate(rest[1..], maxDecompressed, out string? problem);
                return inflated is null ? (keyword, null, problem) : (keyword, Encoding.Latin1.GetString(inflated), null);
            }
            case "iTXt":
            {
                if (rest.Length < 2) return (keyword, null, "truncated iTXt header");
                byte compressed = rest[0], method = rest[1];
                rest = rest[2..];
                int language = rest.IndexOf((byte)0);
                if (language < 0) return (keyword, null, "no language tag terminator");
                rest = rest[(language + 1)..];
                int translated = rest.IndexOf((byte)0);
                if (translated < 0) return (keyword, null, "no translated keyword terminator");
                rest = rest[(translated + 1)..];
                if (compressed == 0) return (keyword, DecodeUtf8(rest, out string? bad), bad);
                if (compressed != 1 || method != 0) return (keyword, null, "unknown compression method");
                var inflated = Inflate(rest, maxDecompressed, out string? problem);
                return inflated is null ? (keyword, null, problem) : (keyword, DecodeUtf8(inflated, out string? bad2), bad2);
            }
            default:
                return (keyword, null, "not a text chunk");
        }
    }

    private static string? DecodeUtf8(ReadOnlySpan<byte> bytes, out string? problem)
    {
        try
        {
            problem = null;
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            problem = "text is not valid UTF-8";
            return null;
        }
    }

    // Reads at most max + 1 bytes, so a small stream that claims to inflate to gigabytes costs max bytes of memory.
    private static byte[]? Inflate(ReadOnlySpan<byte> compressed, int max, out string? problem)
    {
        try
        {
            using var input = new MemoryStream(compressed.ToArray(), writable: false);
            using var z = new ZLibStream(input, CompressionMode.Decompress);
            var output = new MemoryStream();
            byte[] buffer = new byte[81920];
            int read;
            while ((read = z.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > max)
                {
                    problem = $"inflates to more than {max} bytes";
                    return null;
                }
                output.Write(buffer, 0, read);
            }
            problem = null;
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            problem = "compressed text is corrupt";
            return null;
        }
    }
}

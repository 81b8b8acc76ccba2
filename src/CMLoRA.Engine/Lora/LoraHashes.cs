using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using CMLoRA.Engine.Tensors;

namespace CMLoRA.Engine.Lora;

/// <summary>
/// Computes <see cref="LoraFileHashes"/> in one streaming pass with a fixed 1 MiB buffer, so a multi-gigabyte file
/// never sits in memory.
/// </summary>
public static class LoraHashes
{
    private const int BufferBytes = 1 << 20;
    private const long AutoV1Offset = 0x100000;
    private const int AutoV1Length = 0x10000;

    /// <summary>Hashes the file at <paramref name="path"/>.</summary>
    public static LoraFileHashes Compute(string path, CancellationToken cancellationToken = default)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        return Compute(stream, cancellationToken);
    }

    /// <summary>Hashes a seekable stream from its start.</summary>
    public static LoraFileHashes Compute(Stream stream, CancellationToken cancellationToken = default)
    {
        long length = stream.Length;
        long? dataStart = DataStart(stream, length);
        stream.Position = 0;

        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var payload = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var window = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            long position = 0;
            int read;
            while ((read = stream.Read(buffer, 0, BufferBytes)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var chunk = buffer.AsSpan(0, read);
                whole.AppendData(chunk);
                if (dataStart is { } start) AppendOverlap(payload, chunk, position, start, long.MaxValue);
                AppendOverlap(window, chunk, position, AutoV1Offset, AutoV1Offset + AutoV1Length);
                position += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        string sha256 = Convert.ToHexStringLower(whole.GetHashAndReset());
        string autoV1 = Convert.ToHexStringLower(window.GetHashAndReset())[..8];
        string? autoV3 = dataStart is null ? null : Convert.ToHexStringLower(payload.GetHashAndReset());
        return new LoraFileHashes(length, sha256, autoV1, sha256[..10], autoV3);
    }

    // Feeds the part of chunk [position, position + chunk.Length) that lies inside [from, to).
    private static void AppendOverlap(IncrementalHash hash, ReadOnlySpan<byte> chunk, long position, long from, long to)
    {
        long begin = Math.Max(position, from), end = Math.Min(position + chunk.Length, to);
        if (end > begin) hash.AppendData(chunk[(int)(begin - position)..(int)(end - position)]);
    }

    // 8 + N when the first 8 bytes are a plausible safetensors header length; null for pickles and other files.
    private static long? DataStart(Stream stream, long length)
    {
        if (length < SafetensorsHeader.LengthPrefixBytes) return null;
        Span<byte> prefix = stackalloc byte[SafetensorsHeader.LengthPrefixBytes];
        stream.Position = 0;
        stream.ReadExactly(prefix);
        if (PickleDetector.LooksLikePickle(prefix)) return null;
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        return headerLength > 0 && headerLength <= (ulong)(length - SafetensorsHeader.LengthPrefixBytes)
            ? SafetensorsHeader.LengthPrefixBytes + (long)headerLength
            : null;
    }
}

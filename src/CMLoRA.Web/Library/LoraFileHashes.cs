using System.Buffers;
using System.Security.Cryptography;

namespace CMLoRA.Web.Library;

/// <summary>
/// The identity hashes A1111 and Civitai use, computed in one streaming pass: SHA-256 of the whole file (AutoV2 is
/// its first 10 hex) and SHA-256 of everything after the 8-byte length and the header (the addnet hash; AutoV3 is
/// its first 12 hex), which does not change when only metadata is edited.
/// </summary>
public static class LoraFileHashes
{
    public sealed record Result(string Sha256, string AutoV2, string AutoV3);

    public static async Task<Result> ComputeAsync(Stream file, long dataStart, CancellationToken cancellationToken = default)
    {
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var data = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            file.Position = 0;
            long position = 0;
            int read;
            while ((read = await file.ReadAsync(buffer.AsMemory(0, buffer.Length), cancellationToken)) > 0)
            {
                whole.AppendData(buffer, 0, read);
                long end = position + read;
                if (end > dataStart)
                {
                    int skip = (int)Math.Max(0, dataStart - position);
                    data.AppendData(buffer, skip, read - skip);
                }
                position = end;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        string sha256 = Convert.ToHexStringLower(whole.GetHashAndReset());
        return new Result(sha256, sha256[..10], Convert.ToHexStringLower(data.GetHashAndReset()));
    }
}

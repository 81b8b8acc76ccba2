namespace CMLoRA.Engine.Lora;

/// <summary>
/// The hashes other studios and Civitai identify a file by (anchors-studios.md §4.7), as lowercase hex.
/// </summary>
/// <param name="FileLength">Bytes hashed.</param>
/// <param name="Sha256">SHA-256 of the whole file.</param>
/// <param name="AutoV1">A1111's old "model hash": SHA-256 of the 64 KiB at offset 1 MiB, first 8 hex.</param>
/// <param name="AutoV2">SHA-256 of the whole file, first 10 hex (A1111 checkpoint short hash, Civitai AutoV2).</param>
/// <param name="AutoV3">
/// SHA-256 of the bytes after the safetensors header (offset 8 + N to the end), i.e. A1111's "addnet hash" and kohya's
/// <c>sshs_model_hash</c>; unchanged by metadata edits. Null when the file is not a safetensors file.
/// </param>
public sealed record LoraFileHashes(long FileLength, string Sha256, string AutoV1, string AutoV2, string? AutoV3)
{
    /// <summary>The first 12 hex of AutoV3: what A1111 writes in the <c>Lora hashes</c> infotext field.</summary>
    public string? AutoV3Short => AutoV3?[..12];

    /// <summary>True or false when <paramref name="storedHash"/> (<c>sshs_model_hash</c>) is present: whether it is current.</summary>
    public bool? MatchesStoredHash(string? storedHash) =>
        storedHash is null || AutoV3 is null ? null : string.Equals(storedHash.Trim(), AutoV3, StringComparison.OrdinalIgnoreCase);
}

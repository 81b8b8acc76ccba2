using CMLoRA.Engine.Lora;

namespace CMLoRA.Engine.Recipes;

/// <summary>
/// A LoRA's content identity as lowercase hex (anchors-studios.md §4.7). A recipe we wrote has all of them; one
/// imported from another tool's infotext has only the short hash that tool wrote.
/// </summary>
/// <param name="Sha256">SHA-256 of the whole file (64 hex), or null when unknown.</param>
/// <param name="AutoV2">First 10 hex of <paramref name="Sha256"/> (Civitai AutoV2, Fooocus' <c>Lora hashes</c>).</param>
/// <param name="AutoV3">
/// SHA-256 of the tensor bytes after the safetensors header, or only its first 12 hex when imported from A1111's
/// <c>Lora hashes</c> (A1111 writes that short form); null when unknown.
/// </param>
public sealed record LoraHash(string? Sha256, string? AutoV2, string? AutoV3)
{
    /// <summary>The hashes of a file as <see cref="LoraHashes.Compute(string, CancellationToken)"/> reports them.</summary>
    public static LoraHash From(LoraFileHashes hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        return new LoraHash(hashes.Sha256, hashes.AutoV2, hashes.AutoV3);
    }

    /// <summary>
    /// True when every hash known here agrees with <paramref name="file"/> (short forms compared as prefixes), false
    /// when one disagrees; a hash with nothing known matches nothing.
    /// </summary>
    public bool Matches(LoraFileHashes file)
    {
        ArgumentNullException.ThrowIfNull(file);
        bool any = false;
        if (Sha256 is not null) { if (!SamePrefix(file.Sha256, Sha256)) return false; any = true; }
        if (AutoV2 is not null) { if (!SamePrefix(file.Sha256, AutoV2)) return false; any = true; }
        if (AutoV3 is not null) { if (file.AutoV3 is null || !SamePrefix(file.AutoV3, AutoV3)) return false; any = true; }
        return any;
    }

    private static bool SamePrefix(string full, string known) =>
        known.Length > 0 && full.StartsWith(known.Trim(), StringComparison.OrdinalIgnoreCase);
}

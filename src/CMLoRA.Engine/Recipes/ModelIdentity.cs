namespace CMLoRA.Engine.Recipes;

/// <summary>The base model of a recipe: its name and content hash (see <see cref="ModelHashing"/>).</summary>
/// <param name="Name">File name without extension, or the folder name of a diffusers model.</param>
/// <param name="Format"><see cref="ModelHashing.SingleFile"/> or <see cref="ModelHashing.DiffusersFolder"/>; null when imported from infotext.</param>
/// <param name="Sha256">SHA-256 of a single file, or the folder digest of a diffusers folder; null when unknown.</param>
/// <param name="AutoV2">First 10 hex of <paramref name="Sha256"/>: A1111's "Model hash".</param>
public sealed record ModelIdentity(string Name, string? Format, string? Sha256, string? AutoV2)
{
    /// <summary>True when both identities carry a hash and the hashes agree (the full SHA-256 when both have it, else AutoV2).</summary>
    public bool SameContentAs(ModelIdentity other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Sha256 is not null && other.Sha256 is not null)
            return string.Equals(Sha256, other.Sha256, StringComparison.OrdinalIgnoreCase);
        string? mine = AutoV2 ?? Sha256?[..10], theirs = other.AutoV2 ?? other.Sha256?[..10];
        return mine is not null && theirs is not null && string.Equals(mine, theirs, StringComparison.OrdinalIgnoreCase);
    }
}

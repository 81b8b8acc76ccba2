namespace CMLoRA.Storage.Collections;

/// <summary>
/// One LoRA of a collection at a position with a weight. The LoRA's name and content hash are remembered so a
/// deleted LoRA still shows up (as missing) instead of silently vanishing from the recipe.
/// </summary>
public sealed class LoraCollectionItem
{
    public long Id { get; set; }
    public Guid CollectionId { get; set; }
    public int Position { get; set; }

    /// <summary>The library LoRA; null once that LoRA was deleted.</summary>
    public Guid? LoraId { get; set; }
    public string LoraName { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public double Weight { get; set; } = 1.0;
}

namespace CMLoRA.Storage.Collections;

/// <summary>
/// An immutable snapshot of a collection after one change. A generation records the version id it used, so the exact
/// recipe (LoRAs by content hash, weights, order, method, options) can be re-run later.
/// </summary>
public sealed class LoraCollectionVersion
{
    public long Id { get; set; }
    public Guid CollectionId { get; set; }
    public int Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public string CreatedById { get; set; } = "";
    public StudioUser? CreatedBy { get; set; }

    /// <summary>What changed, in words ("created", "edited", "deleted", "restored", "duplicated from …").</summary>
    public string Change { get; set; } = "";

    /// <summary>The whole recipe as JSON: name, method, options, base model and the ordered items.</summary>
    public string SnapshotJson { get; set; } = "{}";
}

namespace CMLoRA.Storage.Collections;

/// <summary>
/// A team recipe: an ordered set of library LoRAs with a weight each, plus the default composition method and its
/// options. Every change writes a <see cref="LoraCollectionVersion"/>; deletion is soft so it can be undone.
/// </summary>
public sealed class LoraCollection
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public string OwnerId { get; set; } = "";
    public StudioUser? Owner { get; set; }
    public Visibility Visibility { get; set; }

    /// <summary>Default composition method: Merge, Switch, Composite or CmLora.</summary>
    public string Method { get; set; } = "CmLora";

    /// <summary>The method's options as a JSON object (empty object = the engine's defaults).</summary>
    public string OptionsJson { get; set; } = "{}";

    /// <summary>The base-model family the recipe is meant for (what the pre-flight check compares against).</summary>
    public string BaseModel { get; set; } = "SD 1.x";

    /// <summary>Number of the newest version (1 after creation).</summary>
    public int CurrentVersion { get; set; }

    public bool IsDeleted { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    public List<LoraCollectionItem> Items { get; set; } = [];
}

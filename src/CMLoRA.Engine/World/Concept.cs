namespace CMLoRA.Engine.World;

/// <summary>
/// One drawable concept of the world. Base concepts are described in plain words; novel concepts (the ones a demo
/// LoRA teaches) carry a made-up <see cref="Trigger"/> word that captions use instead of a description.
/// </summary>
/// <param name="Id">Stable identifier (snake_case), also the classifier label name.</param>
/// <param name="Category">Which scene slot the concept fills.</param>
/// <param name="Name">The distinctive word(s) a caption uses for a base concept, e.g. "circle", "polka dots".</param>
/// <param name="Trigger">The made-up trigger word of a novel concept; null for base concepts.</param>
/// <param name="Description">What the concept looks like, for people.</param>
public sealed record Concept(string Id, ConceptCategory Category, string Name, string? Trigger, string Description)
{
    /// <summary>True for the concepts the base training set never shows.</summary>
    public bool IsNovel => Trigger is not null;

    /// <summary>The word a caption uses: the trigger for novel concepts, the name otherwise.</summary>
    public string CaptionWord => Trigger ?? Name;

    /// <summary>True for categories a scene may leave empty (clothing, style, object).</summary>
    public bool IsOptional => Category is ConceptCategory.Clothing or ConceptCategory.Style or ConceptCategory.Object;
}

namespace CMLoRA.Engine.World;

/// <summary>
/// The attributes of one picture: a character (shape concept, body colour, facial features), an optional clothing
/// item, an optional style, a background and an optional object. Concept slots hold <see cref="Concept.Id"/>s.
/// </summary>
/// <param name="Character">Id of a <see cref="ConceptCategory.Character"/> concept.</param>
/// <param name="Colour">Name of a <see cref="ConceptCatalog.Colours"/> entry.</param>
/// <param name="Eyes">Whether the character has eyes.</param>
/// <param name="Smile">Whether the character has a smile.</param>
/// <param name="Background">Id of a <see cref="ConceptCategory.Background"/> concept.</param>
/// <param name="Clothing">Id of a <see cref="ConceptCategory.Clothing"/> concept, or null.</param>
/// <param name="Style">Id of a <see cref="ConceptCategory.Style"/> concept, or null for flat rendering.</param>
/// <param name="Object">Id of an <see cref="ConceptCategory.Object"/> concept, or null.</param>
public sealed record SceneSpec(
    string Character,
    string Colour,
    bool Eyes,
    bool Smile,
    string Background,
    string? Clothing = null,
    string? Style = null,
    string? Object = null)
{
    /// <summary>The concepts this scene shows, in category order.</summary>
    public IReadOnlyList<Concept> Concepts =>
        new[] { Character, Clothing, Style, Background, Object }
            .Where(id => id is not null)
            .Select(id => ConceptCatalog.Get(id!))
            .ToArray();

    /// <summary>The concept in <paramref name="category"/>, or null when that optional slot is empty.</summary>
    public Concept? In(ConceptCategory category)
    {
        string? id = category switch
        {
            ConceptCategory.Character => Character,
            ConceptCategory.Clothing => Clothing,
            ConceptCategory.Style => Style,
            ConceptCategory.Background => Background,
            ConceptCategory.Object => Object,
            _ => throw new ArgumentOutOfRangeException(nameof(category), category, null),
        };
        return id is null ? null : ConceptCatalog.Get(id);
    }

    /// <summary>A copy with <paramref name="concept"/> put into its category's slot.</summary>
    public SceneSpec With(Concept concept) => concept.Category switch
    {
        ConceptCategory.Character => this with { Character = concept.Id },
        ConceptCategory.Clothing => this with { Clothing = concept.Id },
        ConceptCategory.Style => this with { Style = concept.Id },
        ConceptCategory.Background => this with { Background = concept.Id },
        ConceptCategory.Object => this with { Object = concept.Id },
        _ => throw new ArgumentOutOfRangeException(nameof(concept), concept.Category, null),
    };

    /// <summary>Throws <see cref="ArgumentException"/> when a slot names an unknown concept or one of the wrong category.</summary>
    public void Validate()
    {
        Check(Character, ConceptCategory.Character, required: true);
        Check(Clothing, ConceptCategory.Clothing, required: false);
        Check(Style, ConceptCategory.Style, required: false);
        Check(Background, ConceptCategory.Background, required: true);
        Check(Object, ConceptCategory.Object, required: false);
        if (ConceptCatalog.Colours.All(c => c.Name != Colour))
            throw new ArgumentException($"Unknown character colour '{Colour}'.");
    }

    private static void Check(string? id, ConceptCategory category, bool required)
    {
        if (id is null)
        {
            if (required) throw new ArgumentException($"A scene needs a {category.ToString().ToLowerInvariant()} concept.");
            return;
        }
        var concept = ConceptCatalog.Find(id) ?? throw new ArgumentException($"Unknown world concept '{id}'.");
        if (concept.Id != id || concept.Category != category)
            throw new ArgumentException($"'{id}' is not a {category.ToString().ToLowerInvariant()} concept id.");
    }
}

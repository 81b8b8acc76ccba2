namespace CMLoRA.Engine.World;

/// <summary>
/// Draws random scene specs from a seed. The base distribution never shows a novel concept; a per-concept dataset
/// shows exactly one; a composition shows several novel concepts of different categories (as the benchmark asks).
/// </summary>
public sealed class SceneSampler
{
    /// <summary>Probability that an optional slot (clothing, style, object) is filled in a base scene.</summary>
    public const double OptionalSlotProbability = 0.6;

    private readonly WorldRandom _random;

    /// <summary>A sampler whose sequence of specs depends only on <paramref name="seed"/>.</summary>
    public SceneSampler(long seed) => _random = new WorldRandom(seed);

    /// <summary>A scene from the base distribution (base concepts only).</summary>
    public SceneSpec NextBase() => Sample(_random);

    /// <summary>A base scene with <paramref name="novel"/> put into its slot: exactly one novel concept.</summary>
    public SceneSpec NextWith(Concept novel)
    {
        if (!novel.IsNovel) throw new ArgumentException($"'{novel.Id}' is a base concept; per-concept datasets are for novel concepts.", nameof(novel));
        return Sample(_random).With(novel);
    }

    /// <summary>A base scene with each of <paramref name="novels"/> (at most one per category) in its slot.</summary>
    public SceneSpec NextComposition(IReadOnlyList<Concept> novels)
    {
        if (novels.Select(c => c.Category).Distinct().Count() != novels.Count)
            throw new ArgumentException("A composition holds at most one concept per category.", nameof(novels));
        var spec = Sample(_random);
        foreach (var concept in novels) spec = spec.With(concept);
        return spec;
    }

    /// <summary>
    /// The classifier's training mixture: a base scene in which each category is replaced, with probability
    /// <paramref name="novelProbability"/>, by a random novel concept of that category.
    /// </summary>
    public SceneSpec NextMixed(double novelProbability = 0.3)
    {
        var spec = Sample(_random);
        foreach (ConceptCategory category in Enum.GetValues<ConceptCategory>())
        {
            if (!_random.Chance(novelProbability)) continue;
            var candidates = ConceptCatalog.Novel.Where(c => c.Category == category).ToArray();
            spec = spec.With(_random.Pick(candidates));
        }
        return spec;
    }

    private static SceneSpec Sample(WorldRandom random)
    {
        var character = random.Pick(ConceptCatalog.InCategory(ConceptCategory.Character, includeNovel: false));
        var colour = random.Pick(ConceptCatalog.Colours);
        bool eyes = random.Chance(0.75);
        bool smile = random.Chance(0.4);
        var background = random.Pick(ConceptCatalog.InCategory(ConceptCategory.Background, includeNovel: false));
        string? clothing = Optional(random, ConceptCategory.Clothing);
        string? style = Optional(random, ConceptCategory.Style);
        string? thing = Optional(random, ConceptCategory.Object);
        return new SceneSpec(character.Id, colour.Name, eyes, smile, background.Id, clothing, style, thing);
    }

    private static string? Optional(WorldRandom random, ConceptCategory category) =>
        random.Chance(OptionalSlotProbability)
            ? random.Pick(ConceptCatalog.InCategory(category, includeNovel: false)).Id
            : null;
}

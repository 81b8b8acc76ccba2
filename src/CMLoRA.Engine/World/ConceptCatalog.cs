namespace CMLoRA.Engine.World;

/// <summary>
/// Every concept of the built-in world, in a fixed order that is also the classifier's label order. Base concepts make
/// up the base training set; each novel concept is taught later by its own demo LoRA and is named by a trigger word.
/// </summary>
public static class ConceptCatalog
{
    private static readonly Concept[] Concepts =
    [
        // Characters: the main figure, drawn large in the middle.
        MakeBase("circle", ConceptCategory.Character, "circle", "A round body."),
        MakeBase("square", ConceptCategory.Character, "square", "A square body."),
        MakeBase("triangle", ConceptCategory.Character, "triangle", "A triangle body pointing up."),
        MakeBase("diamond", ConceptCategory.Character, "diamond", "A rhombus body standing on a point."),
        MakeNovel("ghost", ConceptCategory.Character, "boovik", "A ghost: a dome-topped body with a scalloped hem."),
        MakeNovel("star_person", ConceptCategory.Character, "zorbly", "A chubby five-pointed star body."),

        // Clothing: worn by the character.
        MakeBase("hat", ConceptCategory.Clothing, "hat", "A dark top hat on the head."),
        MakeBase("scarf", ConceptCategory.Clothing, "scarf", "A plain coloured scarf round the neck with a hanging end."),
        MakeBase("stripes", ConceptCategory.Clothing, "stripes", "Horizontal stripes across the body."),
        MakeBase("dots", ConceptCategory.Clothing, "polka dots", "Polka dots over the body."),
        MakeNovel("crown", ConceptCategory.Clothing, "kronvel", "A golden three-pointed crown with a red gem."),
        MakeNovel("goggles", ConceptCategory.Clothing, "quillop", "Round cyan goggles on a dark strap across the eyes."),

        // Styles: a global, high-frequency rendering of the whole picture.
        MakeBase("crosshatch", ConceptCategory.Style, "crosshatch", "Diagonal ink hatching, denser where the picture is darker."),
        MakeBase("halftone", ConceptCategory.Style, "halftone", "A grid of coloured dots on paper, larger where darker."),
        MakeBase("mosaic", ConceptCategory.Style, "pixel mosaic", "Flat square tiles separated by dark grout lines."),
        MakeBase("sketch", ConceptCategory.Style, "outline sketch", "Graphite outlines on paper with a faint colour wash."),
        MakeNovel("ring_halftone", ConceptCategory.Style, "vashtor", "A grid of coloured rings (hollow halftone) on cream paper."),
        MakeNovel("wave_engraving", ConceptCategory.Style, "fendrel", "Wavy horizontal engraving lines, thicker where darker."),

        // Backgrounds: low-frequency backdrops.
        MakeBase("plain", ConceptCategory.Background, "plain", "A flat pastel colour."),
        MakeBase("sky", ConceptCategory.Background, "gradient sky", "Deep blue at the top fading to pale blue."),
        MakeBase("sunset", ConceptCategory.Background, "sunset", "Purple to pink to orange with a soft low sun glow."),
        MakeBase("night", ConceptCategory.Background, "night", "A dark navy gradient."),
        MakeBase("hills", ConceptCategory.Background, "hills", "Pale sky over two rolling green hills."),
        MakeNovel("aurora", ConceptCategory.Background, "nimbrae", "A dark sky with soft wavy green and violet light bands."),
        MakeNovel("underwater", ConceptCategory.Background, "thalvoo", "Bright teal fading to deep sea blue, slanted light rays, a sandy floor."),

        // Objects: a small second thing in a corner.
        MakeBase("moon", ConceptCategory.Object, "moon", "A pale yellow crescent."),
        MakeBase("ball", ConceptCategory.Object, "ball", "A coloured ball with a white band."),
        MakeBase("tree", ConceptCategory.Object, "tree", "A brown trunk under a round green crown."),
        MakeBase("flower", ConceptCategory.Object, "flower", "Five petals round a yellow centre on a green stem."),
        MakeNovel("rocket", ConceptCategory.Object, "zipplet", "A white rocket with a red nose and fins and an orange flame."),
        MakeNovel("bolt", ConceptCategory.Object, "kazzuk", "A yellow lightning bolt with an orange rim."),
    ];

    private static readonly Dictionary<string, int> IndexById =
        Concepts.Select((c, i) => (c.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);

    /// <summary>All concepts in label order.</summary>
    public static IReadOnlyList<Concept> All { get; } = Concepts;

    /// <summary>Concepts of the base training set.</summary>
    public static IReadOnlyList<Concept> Base { get; } = Concepts.Where(c => !c.IsNovel).ToArray();

    /// <summary>The novel concepts, one per demo LoRA.</summary>
    public static IReadOnlyList<Concept> Novel { get; } = Concepts.Where(c => c.IsNovel).ToArray();

    /// <summary>Body colours a character may have.</summary>
    public static IReadOnlyList<CharacterColour> Colours { get; } =
    [
        new("red", 0.86f, 0.16f, 0.16f),
        new("orange", 0.96f, 0.55f, 0.12f),
        new("yellow", 0.96f, 0.86f, 0.18f),
        new("green", 0.22f, 0.70f, 0.28f),
        new("blue", 0.18f, 0.38f, 0.90f),
        new("purple", 0.56f, 0.26f, 0.78f),
        new("pink", 0.97f, 0.50f, 0.72f),
    ];

    /// <summary>The concepts of one category in label order.</summary>
    public static IReadOnlyList<Concept> InCategory(ConceptCategory category, bool includeNovel = true) =>
        Concepts.Where(c => c.Category == category && (includeNovel || !c.IsNovel)).ToArray();

    /// <summary>The label index of concept <paramref name="id"/>.</summary>
    public static int IndexOf(string id) =>
        IndexById.TryGetValue(id, out int index) ? index : throw new KeyNotFoundException($"Unknown world concept '{id}'.");

    /// <summary>The concept with identifier <paramref name="id"/>.</summary>
    public static Concept Get(string id) => Concepts[IndexOf(id)];

    /// <summary>Finds a concept by id or by trigger word (case-insensitive); null when none matches.</summary>
    public static Concept? Find(string idOrTrigger) =>
        Concepts.FirstOrDefault(c => string.Equals(c.Id, idOrTrigger, StringComparison.OrdinalIgnoreCase)
                                  || string.Equals(c.Trigger, idOrTrigger, StringComparison.OrdinalIgnoreCase));

    /// <summary>The colour named <paramref name="name"/>.</summary>
    public static CharacterColour Colour(string name) =>
        Colours.FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"Unknown character colour '{name}'.");

    private static Concept MakeBase(string id, ConceptCategory category, string name, string description) =>
        new(id, category, name, null, description);

    private static Concept MakeNovel(string id, ConceptCategory category, string trigger, string description) =>
        new(id, category, id.Replace('_', ' '), trigger, description);
}

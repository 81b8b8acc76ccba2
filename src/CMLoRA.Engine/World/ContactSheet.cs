using CMLoRA.Engine.World.Rendering;

namespace CMLoRA.Engine.World;

/// <summary>PNG grids of renders for people to look at: every concept with its label, or a dataset's first pictures.</summary>
public static class ContactSheet
{
    private const int Scale = 2, Gap = 6, LabelHeight = 22, HeaderWidth = 132;
    private static readonly Rgb Sheet = new(0.12f, 0.12f, 0.14f);
    private static readonly Rgb BaseLabel = new(0.92f, 0.92f, 0.92f);
    private static readonly Rgb NovelLabel = new(1.0f, 0.62f, 0.2f);

    /// <summary>
    /// Writes a labelled sheet: one row per category showing each of its concepts in isolation (novel concepts are
    /// labelled with their trigger word and a star, in orange), then a row of random mixed scenes.
    /// </summary>
    public static void WriteConceptSheet(string path, long seed = 7)
    {
        var rows = Enum.GetValues<ConceptCategory>()
            .Select(category => (Title: category.ToString(), Tiles: ConceptCatalog.InCategory(category).Select((c, i) => ConceptTile(c, i)).ToList()))
            .ToList();
        var sampler = new SceneSampler(seed);
        rows.Add(("Mixed", Enumerable.Range(0, 7).Select(i => MixedTile(sampler.NextMixed(0.35), WorldRandom.Derive(seed, i))).ToList()));

        int tile = SceneRenderer.ImageSize * Scale;
        int columns = rows.Max(r => r.Tiles.Count);
        var image = new SheetImage(HeaderWidth + columns * (tile + Gap) + Gap, rows.Count * (tile + LabelHeight + Gap) + Gap, Sheet);
        for (int r = 0; r < rows.Count; r++)
        {
            int y = Gap + r * (tile + LabelHeight + Gap);
            image.Text(rows[r].Title, Gap, y + tile / 2 - 7, BaseLabel, 2);
            for (int c = 0; c < rows[r].Tiles.Count; c++)
            {
                var (pixels, label, novel) = rows[r].Tiles[c];
                int x = HeaderWidth + c * (tile + Gap);
                image.Paste(pixels, SceneRenderer.ImageSize, x, y, Scale);
                image.Text(label, x + Math.Max(0, (tile - SheetImage.TextWidth(label, 2)) / 2), y + tile + 4, novel ? NovelLabel : BaseLabel, 2);
            }
        }
        image.SavePng(path);
    }

    /// <summary>Writes renders (CHW, 64×64) as a grid with <paramref name="columns"/> columns at their own size.</summary>
    public static void WriteGrid(IReadOnlyList<float[]> renders, string path, int columns = 8, int scale = 1)
    {
        if (renders.Count == 0) throw new ArgumentException("No renders to put on the sheet.", nameof(renders));
        int tile = SceneRenderer.ImageSize * scale, gap = 2;
        int rows = (renders.Count + columns - 1) / columns;
        var image = new SheetImage(gap + Math.Min(columns, renders.Count) * (tile + gap), gap + rows * (tile + gap), Sheet);
        for (int i = 0; i < renders.Count; i++)
            image.Paste(renders[i], SceneRenderer.ImageSize, gap + (i % columns) * (tile + gap), gap + (i / columns) * (tile + gap), scale);
        image.SavePng(path);
    }

    // Each concept is shown with little else, so a person can judge it on its own.
    private static (float[] Pixels, string Label, bool Novel) ConceptTile(Concept concept, int index)
    {
        var colour = ConceptCatalog.Colours[index % ConceptCatalog.Colours.Count].Name;
        var spec = new SceneSpec("circle", colour, Eyes: true, Smile: index % 2 == 0, Background: "plain");
        var layers = SceneLayers.Character;
        switch (concept.Category)
        {
            case ConceptCategory.Character: spec = spec with { Character = concept.Id }; break;
            case ConceptCategory.Clothing: spec = spec with { Colour = "blue", Clothing = concept.Id }; break;
            case ConceptCategory.Style: spec = spec with { Colour = "red", Background = "sky", Style = concept.Id, Object = "tree" }; layers = SceneLayers.All; break;
            case ConceptCategory.Background: spec = spec with { Background = concept.Id }; layers = SceneLayers.Background; break;
            case ConceptCategory.Object: spec = spec with { Object = concept.Id }; layers = SceneLayers.Object; break;
        }
        var label = (concept.Trigger ?? concept.Id).ToUpperInvariant() + (concept.IsNovel ? "*" : "");
        return (SceneRenderer.Render(spec, 1000 + index, layers), label, concept.IsNovel);
    }

    private static (float[] Pixels, string Label, bool Novel) MixedTile(SceneSpec spec, long seed) =>
        (SceneRenderer.Render(spec, seed), "", false);
}

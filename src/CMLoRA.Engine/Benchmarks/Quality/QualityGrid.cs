using CMLoRA.Engine.World;
using CMLoRA.Engine.World.Rendering;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>
/// grid.png: one row per method (the rendered ground truth first), one column per combination × seed, every picture
/// at twice its size with a mark per requested concept under it (green: the classifier found it, red: it did not).
/// </summary>
public static class QualityGrid
{
    /// <summary>File name inside the output folder.</summary>
    public const string FileName = "grid.png";

    /// <summary>Layout in pixels: tile scale, gap, row-label width, text line height and the concept-mark strip.</summary>
    public const int Scale = 2, Gap = 6, HeaderWidth = 136, LineHeight = 10, MarkHeight = 12, MarkSize = 8;

    private static readonly Rgb Background = new(0.12f, 0.12f, 0.14f);
    private static readonly Rgb Label = new(0.92f, 0.92f, 0.92f);
    private static readonly Rgb Trigger = new(1.0f, 0.62f, 0.2f);
    private static readonly Rgb Found = new(0.25f, 0.8f, 0.3f);
    private static readonly Rgb Missed = new(0.9f, 0.2f, 0.2f);
    private static readonly Rgb Empty = new(0.2f, 0.2f, 0.22f);

    private static int Tile => SceneRenderer.ImageSize * Scale;

    /// <summary>Pixel size of a grid of <paramref name="rows"/> methods, <paramref name="columns"/> columns and at most <paramref name="maxN"/> concepts per column.</summary>
    public static (int Width, int Height) Measure(int rows, int columns, int maxN) =>
        (HeaderWidth + Gap + columns * (Tile + Gap), ColumnHeader(maxN) + rows * (Tile + MarkHeight + Gap) + Gap);

    /// <summary>
    /// Draws the grid. <paramref name="records"/> holds every finished image by <see cref="QualityRecord.Key"/>;
    /// a cell without one stays empty. Image paths are relative to <paramref name="outFolder"/>.
    /// </summary>
    public static (int Width, int Height) Write(string path, string outFolder, IReadOnlyList<string> methods,
        IReadOnlyList<(QualityCombination Combination, long Seed)> columns, IReadOnlyDictionary<string, QualityRecord> records)
    {
        if (methods.Count == 0 || columns.Count == 0) throw new ArgumentException("The grid needs at least one method and one column.");
        int maxN = columns.Max(c => c.Combination.N);
        var (width, height) = Measure(methods.Count, columns.Count, maxN);
        var sheet = new SheetImage(width, height, Background);
        int top = ColumnHeader(maxN);
        for (int c = 0; c < columns.Count; c++)
        {
            var (combination, seed) = columns[c];
            int x = HeaderWidth + Gap + c * (Tile + Gap);
            sheet.Text($"N{combination.N} C{combination.Index} S{seed}", x, Gap, Label);
            for (int k = 0; k < combination.Loras.Count; k++)
                sheet.Text(combination.Loras[k].Concept.Trigger!, x, Gap + LineHeight * (k + 1), Trigger);
        }
        for (int r = 0; r < methods.Count; r++)
        {
            int y = top + r * (Tile + MarkHeight + Gap);
            RowLabel(sheet, methods[r], y);
            for (int c = 0; c < columns.Count; c++)
            {
                var (combination, seed) = columns[c];
                int x = HeaderWidth + Gap + c * (Tile + Gap);
                string key = QualityRecord.KeyOf(methods[r], combination.Name, seed);
                string? file = records.TryGetValue(key, out var record) ? Path.Combine(outFolder, record.Image) : null;
                if (record is null || file is null || !File.Exists(file))
                {
                    sheet.Paste(Solid(Empty, 1), 1, x, y, Tile);
                    continue;
                }
                sheet.Paste(ConceptCheck.ReadChw(File.ReadAllBytes(file), SceneRenderer.ImageSize), SceneRenderer.ImageSize, x, y, Scale);
                for (int k = 0; k < record.Concepts.Count; k++)
                    sheet.Paste(Solid(record.Detected.Contains(record.Concepts[k]) ? Found : Missed, 1), 1,
                        x + k * (MarkSize + 2), y + Tile + 2, MarkSize);
            }
        }
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder) Directory.CreateDirectory(folder);
        sheet.SavePng(path);
        return (width, height);
    }

    /// <summary>
    /// The columns shown: up to <paramref name="maxColumns"/>, an equal share per N in combination then seed order,
    /// so every N appears.
    /// </summary>
    public static IReadOnlyList<(QualityCombination Combination, long Seed)> ChooseColumns(
        IReadOnlyList<QualityCombination> combinations, IReadOnlyList<long> seeds, int maxColumns)
    {
        var byN = combinations.GroupBy(c => c.N).OrderBy(g => g.Key).ToArray();
        if (byN.Length == 0) return [];
        int share = Math.Max(1, maxColumns / byN.Length);
        return byN.SelectMany(g => g.SelectMany(c => seeds.Select(s => (c, s))).Take(share)).Take(maxColumns).ToArray();
    }

    // A variant's label goes on two lines (cmlora / NAME), each at double size where it fits the header column.
    private static void RowLabel(SheetImage sheet, string label, int y)
    {
        var lines = label.Split(':');
        int scale = lines.All(l => SheetImage.TextWidth(l, 2) <= HeaderWidth - Gap) ? 2 : 1;
        int lineHeight = (TinyFont.GlyphHeight + 3) * scale;
        int top = y + Tile / 2 - (lines.Length * lineHeight - 3 * scale) / 2;
        for (int i = 0; i < lines.Length; i++) sheet.Text(lines[i], Gap, top + i * lineHeight, Label, scale);
    }

    private static int ColumnHeader(int maxN) => Gap + LineHeight * (1 + maxN) + Gap;

    private static float[] Solid(Rgb colour, int side)
    {
        var chw = new float[3 * side * side];
        Array.Fill(chw, colour.R, 0, side * side);
        Array.Fill(chw, colour.G, side * side, side * side);
        Array.Fill(chw, colour.B, 2 * side * side, side * side);
        return chw;
    }
}

using CMLoRA.Engine.Benchmarks.Quality;
using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Tests.Benchmarks.Quality;

/// <summary>The two tables' arithmetic on a hand-made results set.</summary>
public class QualitySummaryTests
{
    internal static QualityRecord Record(string method, string[] concepts, string[] detected, double seconds = 0, int full = 0, int cached = 0,
        long seed = 1, string? options = null) =>
        new(method, concepts.Length, string.Join("+", concepts), seed, "prompt", concepts, detected,
            concepts.ToDictionary(c => c, c => detected.Contains(c) ? 0.9f : 0.1f), seconds, full, cached, full + cached, "images/x.png", options);

    private static readonly QualityRecord[] Records =
    [
        Record("merge", ["ghost", "aurora"], ["ghost"], seconds: 2, full: 40),
        Record("merge", ["ghost", "ring_halftone"], ["ghost", "ring_halftone"], seconds: 4, full: 40),
        Record("merge", ["ghost", "crown", "aurora"], [], seconds: 6, full: 40),
        Record("cmlora:a", ["ghost", "aurora"], ["ghost", "aurora"], seconds: 1, full: 20, cached: 20),
        Record("cmlora:a", ["ghost", "ring_halftone"], ["ring_halftone"], seconds: 3, full: 24, cached: 16),
        Record("rendered", ["ghost", "aurora"], ["ghost", "aurora"]),
        Record("rendered", ["ghost", "ring_halftone"], ["ghost", "ring_halftone"]),
    ];

    private static readonly string[] Order = ["merge", "cmlora:a"];

    [Fact]
    public void RowsAverageOverTheImagesOfEachMethodAndN()
    {
        var rows = QualitySummary.Rows(Records, Order);
        Assert.Equal(new[]
        {
            new QualityRow("rendered", 2, 2, 1.0, 1.0, null, null, null),
            new QualityRow("merge", 2, 2, 0.75, 0.5, 3, 40, 0),
            new QualityRow("merge", 3, 1, 0, 0, 6, 40, 0),
            new QualityRow("cmlora:a", 2, 2, 0.75, 0.5, 2, 22, 18),
        }, rows);
    }

    [Fact]
    public void CategoriesCountRequestedAndDetectedConceptsOverEveryN()
    {
        var rows = QualitySummary.Categories(Records, Order);
        Assert.Equal(new[]
        {
            new QualityCategoryRow("rendered", ConceptCategory.Character, 2, 2),
            new QualityCategoryRow("rendered", ConceptCategory.Style, 1, 1),
            new QualityCategoryRow("rendered", ConceptCategory.Background, 1, 1),
            new QualityCategoryRow("merge", ConceptCategory.Character, 3, 2),
            new QualityCategoryRow("merge", ConceptCategory.Clothing, 1, 0),
            new QualityCategoryRow("merge", ConceptCategory.Style, 1, 1),
            new QualityCategoryRow("merge", ConceptCategory.Background, 2, 0),
            new QualityCategoryRow("cmlora:a", ConceptCategory.Character, 2, 1),
            new QualityCategoryRow("cmlora:a", ConceptCategory.Style, 1, 1),
            new QualityCategoryRow("cmlora:a", ConceptCategory.Background, 1, 1),
        }, rows);
        Assert.Equal(2.0 / 3, rows[3].Recall, 12);

        var report = new QualityReport("m", 20, 7.5, "dpmpp2m", 1f, [1], [], [new QualityVariantInfo("cmlora:a", "dom=3")],
            QualitySummary.Rows(Records, Order), rows, 0, 7, [], null);
        Assert.Equal(
            "| method | character | clothing | style | background |\n" +
            "|---|---:|---:|---:|---:|\n" +
            "| rendered | 100 % (2/2) | – | 100 % (1/1) | 100 % (1/1) |\n" +
            "| merge | 67 % (2/3) | 0 % (0/1) | 100 % (1/1) | 0 % (0/2) |\n" +
            "| cmlora:a | 50 % (1/2) | – | 100 % (1/1) | 100 % (1/1) |\n",
            report.CategoryTable().ReplaceLineEndings("\n"));
        Assert.Equal(
            "| method | N | images | concept recall | all present | s/image | UNet evals/image (full + cached) |\n" +
            "|---|---:|---:|---:|---:|---:|---:|\n" +
            "| rendered | 2 | 2 | 100.0 % | 100.0 % | – | – |\n" +
            "| merge | 2 | 2 | 75.0 % | 50.0 % | 3.00 | 40.0 + 0.0 |\n" +
            "| merge | 3 | 1 | 0.0 % | 0.0 % | 6.00 | 40.0 + 0.0 |\n" +
            "| cmlora:a | 2 | 2 | 75.0 % | 50.0 % | 2.00 | 22.0 + 18.0 |\n",
            report.MainTable().ReplaceLineEndings("\n"));
        Assert.Contains("CMLoRA rows:\n\n- `cmlora:a`: `dom=3`\n", report.ToMarkdown().ReplaceLineEndings("\n"));
    }
}

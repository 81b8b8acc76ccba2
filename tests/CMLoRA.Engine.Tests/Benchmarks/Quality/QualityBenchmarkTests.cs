using CMLoRA.Engine.Benchmarks;
using CMLoRA.Engine.Benchmarks.Quality;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Tests.Support;
using CMLoRA.Engine.World;
using SixLabors.ImageSharp;

namespace CMLoRA.Engine.Tests.Benchmarks.Quality;

/// <summary>
/// The harness on the tiny reference model with two random LoRAs (named boovik and nimbrae), 2 steps: mechanics and
/// counts only — the tiny model knows nothing of the world, so its recall means nothing.
/// </summary>
public class QualityBenchmarkTests
{
    private const int Methods = 6; // none, merge, switch, composite, cmlora at two cache points

    /// <summary>Writes the tiny model folder and two rank-4 random kohya LoRAs for it into <paramref name="root"/>.</summary>
    public static (string Model, string Loras) TinySetup(string root)
    {
        string model = TinyModelFolder.Create(root);
        string loras = Path.Combine(root, "loras");
        Directory.CreateDirectory(loras);
        using var generator = StableDiffusionGenerator.Load(model);
        SyntheticLora.Write(Path.Combine(loras, "boovik.safetensors"), generator.UNet, generator.TextEncoder, rank: 4, seed: 1);
        SyntheticLora.Write(Path.Combine(loras, "nimbrae.safetensors"), generator.UNet, generator.TextEncoder, rank: 4, seed: 2);
        return (model, loras);
    }

    private static QualityBenchmarkOptions Options(string model, string loras, string output) => new()
    {
        ModelPath = model,
        LoraFolder = loras,
        OutFolder = output,
        LoraCounts = [1, 2],
        Combinations = 2,
        Seeds = 1,
        FirstSeed = 5,
        Steps = 2,
        Methods = QualityMethod.Parse("none,merge,switch,composite,cmlora", "0,1;0,0"),
    };

    [Fact]
    public void ProducesARowForEveryMethodAndNWithConsistentCountsAndResumes()
    {
        using var temp = new TempDirectory();
        var (model, loras) = TinySetup(temp.Path);
        string output = Path.Combine(temp.Path, "out");
        var options = Options(model, loras, output);
        var progress = new List<QualityProgress>();

        var report = new QualityBenchmark(options).Run(progress.Add);

        // N=1 has only the character combination (boovik), N=2 only boovik+nimbrae: 2 combinations × 1 seed × 6 methods.
        Assert.Equal((12, 0), (report.Generated, report.Skipped));
        Assert.Equal(new[] { "N=1: 1 of 2 combinations exist with the LoRAs found (boovik, nimbrae).",
                             "N=2: 1 of 2 combinations exist with the LoRAs found (boovik, nimbrae)." }, report.Notes);
        Assert.Equal(new[] { ("boovik", "a red boovik character with eyes, on a plain background"),
                             ("boovik+nimbrae", "a red boovik character with eyes, on a nimbrae background") },
            report.Combinations.Select(c => (c.Name, c.Prompt)));
        var expectedRows = new[] { "rendered", "none", "merge", "switch", "composite", "cmlora-0-1", "cmlora-0-0" }
            .SelectMany(m => new[] { (m, 1), (m, 2) }).ToArray();
        Assert.Equal(expectedRows, report.Rows.Select(r => (r.Method, r.N)));
        foreach (var row in report.Rows)
        {
            Assert.Equal(1, row.Images);
            Assert.InRange(row.ConceptRecall, 0, 1);
            Assert.True(row.AllPresentRate <= row.ConceptRecall + 1e-9, row.ToString());
            Assert.Equal(row.Method == "rendered", row.SecondsPerImage is null);
        }
        // Evaluations per image follow the schedules at 2 steps (see LoraBenchmarkTests): one CFG pair per step for the
        // base and merged weights, one per LoRA per step for Composite, a full then a cached step per LoRA for CMLoRA.
        double Full(string method, int n) => report.Rows.Single(r => r.Method == method && r.N == n).FullEvaluationsPerImage!.Value;
        double Cached(string method, int n) => report.Rows.Single(r => r.Method == method && r.N == n).CachedEvaluationsPerImage!.Value;
        Assert.Equal((2, 2, 2, 2, 4), (Full("none", 2), Full("merge", 2), Full("switch", 2), Full("composite", 1), Full("composite", 2)));
        Assert.Equal((2, 2, 2, 2), (Full("cmlora-0-1", 2), Cached("cmlora-0-1", 2), Full("cmlora-0-0", 2), Cached("cmlora-0-0", 2)));
        Assert.Equal(0, Cached("composite", 2));

        // The rendered ground truth of the same scenes is what the classifier was trained on: it must find everything.
        Assert.All(report.Rows.Where(r => r.Method == "rendered"), r => Assert.Equal(1.0, r.ConceptRecall));
        // Per category: every image asks for the character, the N=2 images also for the background.
        foreach (var method in expectedRows.Select(r => r.m).Distinct())
        {
            var categories = report.Categories.Where(c => c.Method == method).ToArray();
            Assert.Equal(new[] { (ConceptCategory.Character, 2), (ConceptCategory.Background, 1) }, categories.Select(c => (c.Category, c.Requested)));
        }
        var records = QualityResultsFile.Read(Path.Combine(output, QualityResultsFile.FileName));
        Assert.Equal(12, records.Count);
        Assert.Equal(12, records.Select(r => r.Key).Distinct().Count());
        Assert.All(records, r => Assert.True(File.Exists(Path.Combine(output, r.Image)), r.Image));
        Assert.All(records, r => Assert.Equal(r.Concepts.Order(), r.Probabilities.Keys.Order()));
        // The table's recall is the records' recall.
        var none2 = records.Single(r => r.Method == "none" && r.N == 2);
        Assert.Equal(none2.Detected.Count / 2.0, report.Rows.Single(r => r.Method == "none" && r.N == 2).ConceptRecall);
        Assert.Equal(12, progress.Last().Done);
        Assert.Equal(12, progress.Last().Total);
        Assert.Contains(progress, p => p.Step == 1 && p.Steps == 2);

        // grid.png: rendered + 6 method rows, 2 columns, up to 2 concepts per column.
        var (width, height) = QualityGrid.Measure(7, 2, 2);
        Assert.Equal((410, 1070), (width, height)); // 136 + 6 + 2·(128 + 6); (6 + 3·10 + 6) + 7·(128 + 12 + 6) + 6
        var info = Image.Identify(Path.Combine(output, QualityGrid.FileName));
        Assert.Equal((410, 1070), (info.Width, info.Height));
        string markdown = File.ReadAllText(Path.Combine(output, QualityBenchmark.ReportFile));
        Assert.Contains("| method | N | images | concept recall | all present | s/image | UNet evals/image (full + cached) |", markdown);
        Assert.Contains("| composite | 2 | 1 |", markdown);
        Assert.Contains("| rendered | 2 | 1 | 100.0 % | 100.0 % | – | – |", markdown);
        Assert.True(File.Exists(Path.Combine(output, QualityBenchmark.JsonFile)));

        // A second run finds everything done and generates nothing; the tables are the same.
        var again = new QualityBenchmark(options).Run();
        Assert.Equal((0, 12), (again.Generated, again.Skipped));
        Assert.Equal(report.Rows.Select(r => (r.Method, r.N, r.ConceptRecall, r.AllPresentRate, r.FullEvaluationsPerImage)),
            again.Rows.Select(r => (r.Method, r.N, r.ConceptRecall, r.AllPresentRate, r.FullEvaluationsPerImage)));
        Assert.Equal(12, QualityResultsFile.Read(Path.Combine(output, QualityResultsFile.FileName)).Count);

        // A run killed while writing its last line leaves a partial line: that image alone is made again.
        string results = Path.Combine(output, QualityResultsFile.FileName);
        var lines = File.ReadAllLines(results);
        File.WriteAllText(results, string.Join("\n", lines[..^1]) + "\n" + lines[^1][..20]);
        var resumed = new QualityBenchmark(options).Run();
        Assert.Equal((1, 11), (resumed.Generated, resumed.Skipped));
        Assert.Equal(12, QualityResultsFile.Read(results).Count);
    }

    // Variants on two high-frequency LoRAs (character + style), where the order decides who is dominant first.
    [Fact]
    public void VariantsAreRowsOfTheirOwnWithDeterministicImagesAndResumeOnlyWithTheirSettings()
    {
        using var temp = new TempDirectory();
        string model = TinyModelFolder.Create(temp.Path);
        string loras = Path.Combine(temp.Path, "loras");
        Directory.CreateDirectory(loras);
        using (var generator = StableDiffusionGenerator.Load(model))
        {
            SyntheticLora.Write(Path.Combine(loras, "boovik.safetensors"), generator.UNet, generator.TextEncoder, rank: 4, seed: 1);
            SyntheticLora.Write(Path.Combine(loras, "vashtor.safetensors"), generator.UNet, generator.TextEncoder, rank: 4, seed: 3);
        }
        QualityBenchmarkOptions Run(string folder, string methods, string variants) => new()
        {
            ModelPath = model, LoraFolder = loras, OutFolder = Path.Combine(temp.Path, folder), LoraCounts = [2], Combinations = 1, Seeds = 1,
            FirstSeed = 5, Steps = 2, Methods = QualityMethod.Parse(methods, null, variants),
        };
        var first = Run("one", "none,cmlora", "base;rev:order=reverse;nocache:cache=off");

        var report = new QualityBenchmark(first).Run();

        Assert.Equal((4, 0), (report.Generated, report.Skipped));
        string[] labels = ["none", "cmlora:base", "cmlora:rev", "cmlora:nocache"];
        Assert.Equal(labels.Prepend("rendered"), report.Rows.Select(r => r.Method));
        Assert.Equal(labels.Prepend("rendered"), report.Categories.Where(c => c.Category == ConceptCategory.Character).Select(c => c.Method));
        // 2 steps, 2 LoRAs: with caches a full then a cached step per LoRA; without, every LoRA fully at both steps.
        var evaluations = report.Rows.Skip(2).Select(r => (r.Method, r.FullEvaluationsPerImage, r.CachedEvaluationsPerImage));
        Assert.Equal(new[] { ("cmlora:base", (double?)2, (double?)2), ("cmlora:rev", 2, 2), ("cmlora:nocache", 4, 0) }, evaluations);
        Assert.Equal(new[] { "cmlora:base", "cmlora:rev", "cmlora:nocache" }, report.Variants.Select(v => v.Label));
        string reverse = "dom=2,nondom=4,maxage=8,phase=0.55,decay=off,cache=on,batch=on,order=reverse,cut=0.1";
        Assert.Equal(reverse, report.Variants[1].Definition);
        Assert.Contains($"- `cmlora:rev`: `{reverse}`", File.ReadAllText(Path.Combine(first.OutFolder, QualityBenchmark.ReportFile)));
        var records = QualityResultsFile.Read(Path.Combine(first.OutFolder, QualityResultsFile.FileName)).ToDictionary(r => r.Method);
        Assert.Null(records["none"].Options);
        Assert.Equal(reverse, records["cmlora:rev"].Options);
        Assert.Equal("images/cmlora_rev/n2-boovik+vashtor-s5.png", records["cmlora:rev"].Image);
        byte[] Png(string folder, QualityRecord record) => File.ReadAllBytes(Path.Combine(temp.Path, folder, record.Image));
        // Another hand-over order and no caches both change the picture.
        Assert.NotEqual(Png("one", records["cmlora:base"]), Png("one", records["cmlora:rev"]));
        Assert.NotEqual(Png("one", records["cmlora:base"]), Png("one", records["cmlora:nocache"]));
        // grid.png: rendered + 4 rows.
        var grid = Image.Identify(Path.Combine(first.OutFolder, QualityGrid.FileName));
        Assert.Equal(QualityGrid.Measure(5, 1, 2), (grid.Width, grid.Height));

        // The same settings under another name, in another run with other rows in another order, give the same bytes.
        var second = Run("two", "cmlora,none", "again:order=reverse");
        Assert.Equal(2, new QualityBenchmark(second).Run().Generated);
        var again = QualityResultsFile.Read(Path.Combine(second.OutFolder, QualityResultsFile.FileName)).ToDictionary(r => r.Method);
        Assert.Equal(Png("one", records["cmlora:rev"]), Png("two", again["cmlora:again"]));
        Assert.Equal(Png("one", records["none"]), Png("two", again["none"]));

        // Editing a variant under its old name is refused before anything is generated; a new name only adds its row.
        var edited = Run("one", "none,cmlora", "base;rev:order=reverse,maxage=3;nocache:cache=off");
        var error = Assert.Throws<ArgumentException>(() => new QualityBenchmark(edited).Run());
        Assert.Equal($"cmlora:rev in {Path.Combine(first.OutFolder, QualityResultsFile.FileName)} was made with other settings ({reverse}; " +
                     $"now {reverse.Replace("maxage=8", "maxage=3")}); give the new settings another variant name or use another --out", error.Message);
        var extended = new QualityBenchmark(Run("one", "none,cmlora", "base;rev:order=reverse;nocache:cache=off;rev3:order=reverse,maxage=3")).Run();
        Assert.Equal((1, 4), (extended.Generated, extended.Skipped));
        Assert.Equal(5, QualityResultsFile.Read(Path.Combine(first.OutFolder, QualityResultsFile.FileName)).Count);
    }

    [Fact]
    public void AnOutputFolderMadeWithOtherSettingsIsRefused()
    {
        using var temp = new TempDirectory();
        string output = Path.Combine(temp.Path, "out");
        new QualityRunSettings(Path.GetFullPath("/models/a"), 20, 7.5, "dpmpp2m", 1f).ClaimFolder(output);
        var error = Assert.Throws<ArgumentException>(() => new QualityRunSettings(Path.GetFullPath("/models/a"), 2, 7.5, "dpmpp2m", 1f).ClaimFolder(output));
        Assert.Equal($"{output} holds results made with other settings (model /models/a, 20 steps, CFG 7.5, dpmpp2m, weight 1; " +
                     "now model /models/a, 2 steps, CFG 7.5, dpmpp2m, weight 1); use another --out or delete it", error.Message);
        new QualityRunSettings(Path.GetFullPath("/models/a"), 20, 7.5, "dpmpp2m", 1f).ClaimFolder(output); // same settings: accepted
    }

    [Fact]
    public void AFolderWithoutDemoLorasIsABadInput()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<ArgumentException>(() =>
            new QualityBenchmark(new QualityBenchmarkOptions { ModelPath = temp.Path, LoraFolder = temp.Path, OutFolder = temp.File("o") }).Plan());
        Assert.StartsWith($"no demo LoRAs in {temp.Path}: expected files named by trigger word (boovik.safetensors, zorbly.safetensors,", error.Message);
    }
}

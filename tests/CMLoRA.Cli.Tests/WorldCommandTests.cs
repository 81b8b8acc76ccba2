using CMLoRA.Cli.Tests.Support;
using CMLoRA.Engine.World;
using SixLabors.ImageSharp;

namespace CMLoRA.Cli.Tests;

public class WorldCommandTests
{
    [Fact]
    public async Task ConceptsListsEveryConceptWithItsTriggerWord()
    {
        var result = await CliRunner.RunAsync("world", "concepts");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var concept in ConceptCatalog.All)
            Assert.Contains($"│ {concept.Id} ", result.Output);
        foreach (var novel in ConceptCatalog.Novel)
            Assert.Contains($"│ {novel.Trigger} ", result.Output);
    }

    [Fact]
    public async Task RenderWritesPicturesCaptionsAndAContactSheetForOneNovelConcept()
    {
        using var dir = new TempDirectory();
        var result = await CliRunner.RunAsync("world", "render", "--out", dir.Path, "--count", "3", "--seed", "4", "--concept", "kazzuk");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["00000.png", "00001.png", "00002.png", "captions.jsonl", "contact-sheet.png"],
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        var records = DatasetWriter.ReadCaptions(dir.Path);
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Contains("with a kazzuk", r.Caption));
        Assert.All(records, r => Assert.Equal(["kazzuk"], r.Triggers));
        using var picture = Image.Load(dir.File("00000.png"));
        Assert.Equal((64, 64), (picture.Width, picture.Height));
    }

    [Fact]
    public async Task RenderRefusesABaseConceptAndNamesTheTriggerWords()
    {
        using var dir = new TempDirectory();
        var result = await CliRunner.RunAsync("world", "render", "--out", dir.Path, "--count", "2", "--concept", "hat");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'hat' is not a novel concept. Novel trigger words: boovik, zorbly, kronvel", result.Output);
        Assert.False(File.Exists(dir.File("captions.jsonl")));
    }

    [Fact]
    public async Task SheetWritesTheLabelledConceptGrid()
    {
        using var dir = new TempDirectory();
        var result = await CliRunner.RunAsync("world", "sheet", "--out", dir.File("sheet.png"));

        Assert.True(result.ExitCode == 0, result.ToString());
        using var sheet = Image.Load(dir.File("sheet.png"));
        // A 132-pixel header column plus seven 128-pixel tiles with 6-pixel gaps; six rows with 22-pixel labels.
        Assert.Equal((132 + 7 * (128 + 6) + 6, 6 * (128 + 22 + 6) + 6), (sheet.Width, sheet.Height));
    }

    [Fact]
    public async Task EvalClassifierPrintsPerCategoryAccuracyOfTheBuiltInWeights()
    {
        var result = await CliRunner.RunAsync("world", "eval-classifier", "--count", "20", "--threads", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var category in Enum.GetNames<ConceptCategory>())
            Assert.Contains($"│ {category} ", result.Output);
        Assert.Contains("20 held-out pictures; mean F1 ", result.Output);
    }

    [Fact]
    public async Task TrainClassifierWritesWeightsResumesItsCheckpointAndRefusesOtherSettings()
    {
        using var dir = new TempDirectory();
        string weights = dir.File("w.safetensors");
        string[] common = ["world", "train-classifier", "--out", weights, "--steps", "2", "--eval-count", "4", "--threads", "1", "--checkpoint-every", "1"];

        var first = await CliRunner.RunAsync([.. common, "--batch-size", "2"]);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(File.Exists(weights) && File.Exists(weights + ".ckpt"));
        using (var model = ConceptClassifier.Load(weights)) Assert.NotNull(model);

        var again = await CliRunner.RunAsync([.. common, "--batch-size", "2"]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Resuming from step 2 of 2", again.Output);

        var other = await CliRunner.RunAsync([.. common, "--batch-size", "3"]);
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("use the same settings or start afresh", other.Output);
    }
}

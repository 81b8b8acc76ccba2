using System.Text.Json;
using CMLoRA.Cli.Tests.Support;

namespace CMLoRA.Cli.Tests;

public class WorldClassifyCommandTests
{
    // Rendered ground truth of one novel concept: the embedded classifier (96 % per-category accuracy on renders) names it.
    [Fact]
    public async Task ClassifyNamesTheConceptOfRenderedPictures()
    {
        using var dir = new TempDirectory();
        var render = await CliRunner.RunAsync("world", "render", "--out", dir.Path, "--count", "2", "--seed", "4", "--concept", "thalvoo");
        Assert.True(render.ExitCode == 0, render.ToString());

        var table = await CliRunner.RunAsync("world", "classify", dir.File("00000.png"), dir.File("00001.png"));
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("│ background ", table.Output);
        Assert.Equal(2, table.Output.Split('\n').Count(line => line.Contains("│ thalvoo ")));

        var json = await CliRunner.RunAsync("world", "classify", "--json", dir.File("00000.png"));
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Output[json.Output.IndexOf('[')..]);
        var first = document.RootElement[0];
        Assert.Equal("underwater", first.GetProperty("decisions").GetProperty("background").GetString());
        Assert.True(first.GetProperty("probabilities").GetProperty("underwater").GetDouble() >= 0.5);
    }

    [Fact]
    public async Task ClassifyRefusesAMissingFileAndANonImage()
    {
        using var dir = new TempDirectory();
        var missing = await CliRunner.RunAsync("world", "classify", dir.File("nope.png"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nope.png: no such file.", missing.Output);

        File.WriteAllText(dir.File("text.png"), "not a picture");
        var garbage = await CliRunner.RunAsync("world", "classify", dir.File("text.png"));
        Assert.Equal(2, garbage.ExitCode);
        Assert.Contains("text.png: not a readable image", garbage.Output);
    }
}

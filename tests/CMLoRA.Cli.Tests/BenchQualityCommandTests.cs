using CMLoRA.Cli.Tests.Support;
using CMLoRA.Engine.Benchmarks;
using CMLoRA.Engine.Generation;
using SixLabors.ImageSharp;

namespace CMLoRA.Cli.Tests;

public class BenchQualityCommandTests
{
    [Fact]
    public async Task RunsTheTinyModelWithTwoLorasPrintsTheTablesAndResumes()
    {
        using var temp = new TempDirectory();
        string model = TinyModelFolder.Create(temp.Path);
        string loras = Path.Combine(temp.Path, "loras");
        Directory.CreateDirectory(loras);
        using (var generator = StableDiffusionGenerator.Load(model))
        {
            SyntheticLora.Write(Path.Combine(loras, "boovik.safetensors"), generator.UNet, generator.TextEncoder, 4, 1);
            SyntheticLora.Write(Path.Combine(loras, "vashtor.safetensors"), generator.UNet, generator.TextEncoder, 4, 2);
        }
        string output = Path.Combine(temp.Path, "bench");
        string[] args = ["bench", "quality", "--model", model, "--loras", loras, "--n", "2", "--combos", "1", "--seeds", "2", "--steps", "2",
            "--methods", "none,composite,cmlora", "--cmlora-variants", "c1:dom=1,nondom=1;nocache:cache=off", "--threads", "1", "--out", output];

        var result = await CliRunner.RunAsync(args);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("2 LoRAs (boovik, vashtor), 1 combinations × 2 seeds × 4 methods = 8 images", result.Output);
        Assert.Contains("cmlora:c1: dom=1,nondom=1,maxage=8,phase=0.55,decay=off,cache=on,batch=on,order=category,cut=0.1", result.Output);
        Assert.Contains("cmlora:nocache: dom=2,nondom=4,maxage=8,phase=0.55,decay=off,cache=off,batch=on,order=category,cut=0.1", result.Output);
        Assert.Contains("| method | N | images | concept recall | all present | s/image | UNet evals/image (full + cached) |", result.Output);
        // Recall on rendered ground truth is the classifier's own (it misses some styled ghosts), so only the shape is checked.
        Assert.Matches(@"\| rendered \| 2 \| 2 \| \d+\.\d % \| \d+\.\d % \| – \| – \|", result.Output);
        Assert.Contains("| composite | 2 | 2 |", result.Output);
        Assert.Contains("| 4.0 + 0.0 |", result.Output);
        // Refreshing every LoRA at every step, or not caching, evaluates every LoRA fully like Composite.
        Assert.Matches(@"\| cmlora:c1 \| 2 \| 2 \| [^\n]* \| 4\.0 \+ 0\.0 \|", result.Output);
        Assert.Matches(@"\| cmlora:nocache \| 2 \| 2 \| [^\n]* \| 4\.0 \+ 0\.0 \|", result.Output);
        Assert.Contains("Recall by category (all N):", result.Output);
        Assert.Contains("| method | character | style |", result.Output);
        Assert.Matches(@"\| cmlora:nocache \| \d+ % \(\d/2\) \| \d+ % \(\d/2\) \|", result.Output);
        Assert.Contains("8 generated, 0 already done", result.Output);
        Assert.Equal(8, File.ReadAllLines(Path.Combine(output, "results.jsonl")).Length);
        Assert.Contains("\"a red boovik character with eyes, on a plain background, vashtor style\"", File.ReadAllText(Path.Combine(output, "report.md")));
        var grid = Image.Identify(Path.Combine(output, "grid.png"));
        Assert.Equal((136 + 6 + 2 * (128 + 6), 6 + 3 * 10 + 6 + 5 * (128 + 12 + 6) + 6), (grid.Width, grid.Height));

        var again = await CliRunner.RunAsync(args);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("0 generated, 8 already done", again.Output);

        // The same name with other settings is refused rather than mixed with the images already made.
        var edited = args.Select(a => a.Replace("c1:dom=1,nondom=1", "c1:dom=1,nondom=2")).ToArray();
        var refused = await CliRunner.RunAsync(edited);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains($"error: cmlora:c1 in {Path.Combine(output, "results.jsonl")} was made with other settings " +
                        "(dom=1,nondom=1,maxage=8,phase=0.55,decay=off,cache=on,batch=on,order=category,cut=0.1; " +
                        "now dom=1,nondom=2,maxage=8,phase=0.55,decay=off,cache=on,batch=on,order=category,cut=0.1); " +
                        "give the new settings another variant name or use another --out", refused.Error);
    }

    [Theory]
    [InlineData("c1:dom=1;c1:dom=2", "error: variant 'c1' is listed twice")]
    [InlineData("c1:interval=2", "error: variant 'c1': unknown key 'interval'; use dom, nondom, maxage, phase, decay, cache, batch, order or cut")]
    [InlineData("c1:phase=2", "error: variant 'c1': phase=2 must be a fraction of the run in [0, 1]")]
    public async Task ABadVariantIsABadInput(string variants, string message)
    {
        using var temp = new TempDirectory();
        var result = await CliRunner.RunAsync("bench", "quality", "--model", temp.Path, "--loras", temp.Path, "--cmlora-variants", variants, "--out", temp.File("o"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public async Task AnUnknownMethodIsABadInput()
    {
        using var temp = new TempDirectory();
        var result = await CliRunner.RunAsync("bench", "quality", "--model", temp.Path, "--loras", temp.Path, "--methods", "none,blend", "--out", temp.File("o"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: unknown method 'blend': use none, merge, switch, composite or cmlora", result.Error);
    }

    [Fact]
    public async Task AnEmptyLoraFolderIsABadInput()
    {
        using var temp = new TempDirectory();
        var result = await CliRunner.RunAsync("bench", "quality", "--model", temp.Path, "--loras", temp.Path, "--out", temp.File("o"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"error: no demo LoRAs in {temp.Path}: expected files named by trigger word", result.Error);
    }
}

using CMLoRA.Cli.Tests.Support;
using SixLabors.ImageSharp;

namespace CMLoRA.Cli.Tests;

public class GenerateCommandTests
{
    [Theory]
    [InlineData("cmlora")]
    [InlineData("composite")]
    public async Task GeneratesAPngFromTheTinyModelWithALora(string method)
    {
        using var temp = new TempDirectory();
        string model = TinyModelFolder.Create(temp.Path);
        string output = temp.File("out.png");

        var result = await CliRunner.RunAsync("generate", "--model", model, "--prompt", "a red circle", "--steps", "4",
            "--seed", "5", "--threads", "1", "--out", output, "--lora", RepoPaths.TinyLora + ":0.8:character", "--method", method);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var image = Image.Load(output);
        Assert.Equal((64, 64), (image.Width, image.Height));
        Assert.Contains("│ seed ", result.Output);
        Assert.Contains("5 (torch-cpu-mt19937)", result.Output);
    }

    [Fact]
    public async Task AMissingLoraFileIsABadInput()
    {
        using var temp = new TempDirectory();
        string model = TinyModelFolder.Create(temp.Path);
        var result = await CliRunner.RunAsync("generate", "--model", model, "--prompt", "x", "--out", temp.File("o.png"),
            "--lora", "/nowhere/missing.safetensors");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: LoRA file not found: /nowhere/missing.safetensors", result.Error);
    }

    [Fact]
    public async Task AnUnknownMethodIsABadInput()
    {
        using var temp = new TempDirectory();
        var result = await CliRunner.RunAsync("generate", "--model", temp.Path, "--prompt", "x", "--out", temp.File("o.png"),
            "--method", "blend");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown method 'blend'", result.Error);
    }
}

using CMLoRA.Cli.Commands;
using CMLoRA.Cli.Tests.Support;
using CMLoRA.Engine.Composition;

namespace CMLoRA.Cli.Tests;

/// <summary>`--lora boovik[:WEIGHT]`: bare demo LoRA names looked up in the model's loras/ folder (models/builtin/loras).</summary>
public class DemoLoraNameTests
{
    /// <summary>The tiny model as a folder with a loras/ subfolder holding its LoRA under a demo trigger name.</summary>
    public static string TinyModelWithDemoLoras(string parent)
    {
        string model = TinyModelFolder.Create(parent);
        Directory.CreateDirectory(Path.Combine(model, "loras"));
        File.Copy(RepoPaths.TinyLora, Path.Combine(model, "loras", "boovik.safetensors"));
        File.Copy(RepoPaths.TinyLora, Path.Combine(model, "loras", "kronvel.safetensors"));
        return model;
    }

    [Fact]
    public void ABareNameResolvesToTheDemoFileWithItsConceptsCategory()
    {
        using var temp = new TempDirectory();
        string loras = Directory.CreateDirectory(temp.File("loras")).FullName;
        File.WriteAllBytes(Path.Combine(loras, "boovik.safetensors"), [1]);
        File.WriteAllBytes(Path.Combine(loras, "mine.safetensors"), [1]);

        var demo = LoraSpec.Parse("boovik:0.8", loras);
        Assert.Equal((Path.Combine(loras, "boovik.safetensors"), 0.8f, LoraCategory.Character), (demo.Path, demo.Weight, demo.Category));
        var styled = LoraSpec.Parse("BOOVIK:style", loras);
        Assert.Equal((Path.Combine(loras, "boovik.safetensors"), 1f, LoraCategory.Style), (styled.Path, styled.Weight, styled.Category));
        var notAConcept = LoraSpec.Parse("mine", loras);
        Assert.Equal((Path.Combine(loras, "mine.safetensors"), LoraCategory.Other), (notAConcept.Path, notAConcept.Category));
        // Paths are taken as they are
        var path = LoraSpec.Parse("some/boovik.safetensors:0.5", loras);
        Assert.Equal(("some/boovik.safetensors", 0.5f, LoraCategory.Other), (path.Path, path.Weight, path.Category));
    }

    [Fact]
    public void AnUnknownBareNameListsTheDemoLoras()
    {
        using var temp = new TempDirectory();
        string loras = Directory.CreateDirectory(temp.File("loras")).FullName;
        File.WriteAllBytes(Path.Combine(loras, "zorbly.safetensors"), [1]);
        File.WriteAllBytes(Path.Combine(loras, "boovik.safetensors"), [1]);
        var error = Assert.Throws<FileNotFoundException>(() => LoraSpec.Parse("quillop:0.7", loras));
        Assert.Equal($"LoRA file not found: quillop (not a file, nor a demo LoRA in {loras}; demo LoRAs: boovik, zorbly)", error.Message);
        var none = Assert.Throws<FileNotFoundException>(() => LoraSpec.Parse("quillop", null));
        Assert.StartsWith("LoRA file not found: quillop (and there is no demo LoRA folder", none.Message);
    }

    [Fact]
    public async Task GenerateTakesDemoLorasByNameFromTheModelsLoraFolderAsync()
    {
        using var temp = new TempDirectory();
        string model = TinyModelWithDemoLoras(temp.Path);
        string output = temp.File("out.png");
        var result = await CliRunner.RunAsync("generate", "--model", model, "--prompt", "boovik wearing kronvel", "--steps", "3",
            "--seed", "5", "--threads", "1", "--out", output, "--lora", "boovik:0.8", "--lora", "kronvel");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(output));
        Assert.Contains("│ LoRAs            │ boovik, kronvel", result.Output);
        Assert.Contains("boovik (high, by category)", result.Output);
    }
}

/// <summary>Runs alone: it sets CMLORA_MODEL, which every command reads when --model is left out.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BuiltInModelEnvironment
{
    public const string Name = "built-in model environment";
}

[Collection(BuiltInModelEnvironment.Name)]
public class BuiltInModelDefaultTests
{
    [Fact]
    public async Task GenerateWithoutAModelUsesTheBuiltInModelAndItsDemoLorasAsync()
    {
        using var temp = new TempDirectory();
        string model = DemoLoraNameTests.TinyModelWithDemoLoras(temp.Path);
        string output = temp.File("out.png");
        string? before = Environment.GetEnvironmentVariable("CMLORA_MODEL");
        Environment.SetEnvironmentVariable("CMLORA_MODEL", model);
        try
        {
            var result = await CliRunner.RunAsync("generate", "--prompt", "boovik", "--steps", "2", "--seed", "3", "--threads", "1",
                "--out", output, "--lora", "boovik:0.8");
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains(model, result.Output.Replace("\n", "").Replace("│", "").Replace(" ", ""));
            Assert.Contains("boovik", result.Output);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CMLORA_MODEL", before);
        }
    }
}

using CMLoRA.Cli.Tests.Support;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Recipes;

namespace CMLoRA.Cli.Tests;

public class RecipeCommandTests
{
    [Fact]
    public async Task GenerateEmbedsARecipeThatRecipeJsonPrintsAndThatReRunsToTheSamePixels()
    {
        using var temp = new TempDirectory();
        string model = TinyModelFolder.Create(temp.Path);
        string output = temp.File("out.png");
        var generated = await CliRunner.RunAsync("generate", "--model", model, "--prompt", "a red circle", "--negative", "blurry", "--steps", "4",
            "--seed", "5", "--threads", "1", "--out", output, "--lora", RepoPaths.TinyLora + ":0.8:character", "--method", "cmlora");
        Assert.True(generated.ExitCode == 0, generated.ToString());

        var result = await CliRunner.RunAsync("recipe", output, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var recipe = RecipeJson.Parse(result.Output);
        var hashes = LoraHashes.Compute(RepoPaths.TinyLora);
        Assert.Equal((CompositionMethod.CmLora, 5L, 4, "a red circle", "blurry"), (recipe.Method, recipe.Seed, recipe.Steps, recipe.Prompt, recipe.NegativePrompt));
        var lora = Assert.Single(recipe.Loras);
        Assert.Equal(("lora_kohya", 0.8f, LoraCategory.Character, hashes.Sha256), (lora.Name, lora.Weight, lora.Category, lora.Sha256));
        Assert.True(ModelHashing.Compute(model).SameContentAs(recipe.Model));
        Assert.Equal("", result.Error);

        // Re-run from the recipe with the engine: the pixels match the CLI's image.
        using var generator = StableDiffusionGenerator.Load(model);
        var again = generator.Generate(recipe.ToJob(_ => RepoPaths.TinyLora));
        Assert.Equal(again.Png, PngWithoutText(File.ReadAllBytes(output)));
    }

    [Fact]
    public async Task RecipePrintsTheInfotextAndASummary()
    {
        using var temp = new TempDirectory();
        string model = TinyModelFolder.Create(temp.Path);
        string output = temp.File("base.png");
        var generated = await CliRunner.RunAsync("generate", "--model", model, "--prompt", "a blue square", "--steps", "2", "--seed", "9",
            "--threads", "1", "--out", output);
        Assert.True(generated.ExitCode == 0, generated.ToString());

        var result = await CliRunner.RunAsync("recipe", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.Split('\n');
        Assert.Contains("a blue square", lines);
        Assert.Single(lines, l => l.StartsWith("Steps: 2, Sampler: DPM++ 2M, Schedule type: Uniform, CFG scale: 7.5, Seed: 9, Size: 64x64, Model hash: ")
                                  && l.Contains(", Model: tiny-model, RNG: CPU, Timestep spacing: "));
        Assert.Contains("recipe (cmlora-recipe, complete)", result.Output);
        Assert.Single(lines, l => l.Contains("│ seed ") && l.Contains("9 (torch-cpu-mt19937)"));
        Assert.Single(lines, l => l.Contains("│ method ") && l.Contains("None"));
    }

    [Fact]
    public async Task AnA1111PngShowsWhatCouldNotBeMapped()
    {
        using var temp = new TempDirectory();
        string path = temp.File("a1111.png");
        byte[] plain = PngEncoding.EncodeRgb(new byte[4 * 4 * 3], 4, 4);
        File.WriteAllBytes(path, PngMetadata.Embed(plain,
            "cat <lora:detail:0.5>\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Model hash: 6ce0161689, Model: v1-5, Hires upscale: 2, Version: v1.10.1",
            null));

        var result = await CliRunner.RunAsync("recipe", path);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("recipe (from infotext, partial)", result.Output);
        Assert.Contains("not mapped: Hires upscale: 2 — Not a setting of this engine; ignored.", result.Output);
        Assert.Single(result.Output.Split('\n'), l => l.Contains("│ LoRA ") && l.Contains("detail × 0.5"));

        var json = await CliRunner.RunAsync("recipe", path, "--json");
        Assert.Equal(CompositionMethod.Merge, RecipeJson.Parse(json.Output).Method);
        Assert.Contains("not mapped: Hires upscale: 2 (Not a setting of this engine; ignored.)", json.Error);
    }

    [Fact]
    public async Task APngWithoutParametersIsABadInput()
    {
        using var temp = new TempDirectory();
        string path = temp.File("plain.png");
        File.WriteAllBytes(path, PngEncoding.EncodeRgb(new byte[2 * 2 * 3], 2, 2));
        var result = await CliRunner.RunAsync("recipe", path);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: The PNG carries no generation parameters (no 'parameters' or 'cmlora-recipe' text chunk).", result.Error.Trim());

        var missing = await CliRunner.RunAsync("recipe", temp.File("nothing.png"));
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("error: Could not find file", missing.Error);
    }

    // The engine's PNG is the CLI's file minus the two text chunks inserted before IEND.
    private static byte[] PngWithoutText(byte[] png)
    {
        var result = new List<byte>(png[..8]);
        int p = 8;
        while (p < png.Length)
        {
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(p));
            string type = System.Text.Encoding.ASCII.GetString(png, p + 4, 4);
            if (type is not ("tEXt" or "iTXt")) result.AddRange(png.AsSpan(p, 12 + length).ToArray());
            p += 12 + length;
        }
        return result.ToArray();
    }
}

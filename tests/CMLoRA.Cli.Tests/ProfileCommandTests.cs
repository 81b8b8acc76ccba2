using System.Text.Json;
using System.Xml.Linq;
using CMLoRA.Cli.Tests.Support;
using CMLoRA.Engine.Profiling;

namespace CMLoRA.Cli.Tests;

/// <summary>`cmlora profile` on the tiny reference model: table, order, sidecars, chart, JSON and refusals.</summary>
public sealed class ProfileCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // The tiny model as a diffusers folder with a tokenizer that fits its 1000-token text encoder: the first 998 CLIP
    // tokens plus BOS 998 and EOS 999 (the fixture README's convention; merge i creates token 512 + i).
    private string TinyModel()
    {
        string model = _temp.File("tiny-model");
        string source = Path.Combine(RepoPaths.TinyReference, "weights", "diffusers");
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(model, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        string clip = Path.Combine(RepoPaths.Root, "src", "CMLoRA.Engine", "Resources", "ClipVitL14");
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(clip, "vocab.json")))!
            .Where(p => p.Value < 998).ToDictionary(p => p.Key, p => p.Value);
        vocab["<|startoftext|>"] = 998;
        vocab["<|endoftext|>"] = 999;
        Directory.CreateDirectory(Path.Combine(model, "tokenizer"));
        File.WriteAllText(Path.Combine(model, "tokenizer", "vocab.json"), JsonSerializer.Serialize(vocab));
        File.WriteAllLines(Path.Combine(model, "tokenizer", "merges.txt"), File.ReadLines(Path.Combine(clip, "merges.txt")).Take(1 + 486));
        return model;
    }

    private string Lora(string name)
    {
        string path = _temp.File(name + ".safetensors");
        File.Copy(RepoPaths.TinyLora, path);
        return path;
    }

    [Fact]
    public async Task ProfilePrintsScoresAndOrderAndWritesSidecarsAndAChart()
    {
        string model = TinyModel(), hero = Lora("hero"), chart = _temp.File("spectra.svg");

        var result = await CliRunner.RunAsync("profile", "--model", model, "--lora", hero + ":character", "--seeds", "1", "--steps", "2",
            "--size", "64", "--threads", "1", "--write-sidecars", "--chart", chart);

        Assert.True(result.ExitCode == 0, result.ToString());
        var profile = LoraProfileJson.Deserialize(File.ReadAllText(_temp.File("hero.profile.json")));
        Assert.True(double.IsFinite(profile.Score));
        Assert.Equal(("hero", 64, 2), (profile.Prompt, profile.Size, profile.Steps));
        Assert.Equal([222L], profile.Seeds);
        string group = profile.Score < 0 ? "low" : "high";
        var lines = result.Output.Split('\n');
        Assert.Single(lines, l => l.Contains("│ hero ") && l.Contains("│ character ") && l.Contains($"│ {group} ") &&
                                  l.Contains(profile.Score.ToString("+0.0000;-0.0000;0.0000", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains($"CMLoRA order: hero ({group})", result.Output);
        Assert.Contains($"wrote {chart}", result.Output);
        Assert.Equal(3, XDocument.Load(chart).Descendants(XName.Get("polyline", "http://www.w3.org/2000/svg")).Count());
    }

    [Fact]
    public async Task JsonCarriesTheProfilesAndTheOrderOnStdoutOnly()
    {
        string model = TinyModel(), hero = Lora("hero"), forest = Lora("forest");

        var result = await CliRunner.RunAsync("profile", "--model", model, "--lora", hero + ":character", "--lora", forest + ":background",
            "--seeds", "1", "--steps", "1", "--size", "64", "--threads", "1", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var loras = json.RootElement.GetProperty("loras").EnumerateArray().ToList();
        Assert.Equal(["hero", "forest"], loras.Select(l => l.GetProperty("id").GetString()));
        Assert.Equal(["Character", "Background"], loras.Select(l => l.GetProperty("category").GetString()));
        // Same weights, different prompts ("hero" and "forest"): each LoRA has its own base image.
        var order = json.RootElement.GetProperty("order").EnumerateArray().ToList();
        Assert.All(order, o => Assert.Equal("Score", o.GetProperty("source").GetString()));
        Assert.Equal(2, order.Count);
        Assert.False(File.Exists(_temp.File("hero.profile.json")));
    }

    [Fact]
    public async Task AWeightOrAMissingFileIsRefusedBeforeAnyModelIsLoaded()
    {
        string hero = Lora("hero");
        var weighted = await CliRunner.RunAsync("profile", "--model", _temp.File("no-model"), "--lora", hero + ":0.8");
        Assert.Equal(2, weighted.ExitCode);
        Assert.Equal($"error: --lora {hero}:0.8: profiling renders every LoRA alone at weight 1; give FILE[:CATEGORY]", weighted.Error.Trim());

        var missing = await CliRunner.RunAsync("profile", "--model", _temp.File("no-model"), "--lora", _temp.File("gone.safetensors"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal($"error: LoRA file not found: {_temp.File("gone.safetensors")}", missing.Error.Trim());
    }
}

using System.Text.Json;

namespace CMLoRA.TestSupport;

/// <summary>
/// The tiny reference model (tests/fixtures/reference/tiny_sdlike) as a complete diffusers folder the studio can load:
/// its weights plus a tokenizer that fits its 1000-token text encoder. The fixture ships no tokenizer, so one is cut
/// from the engine's CLIP vocabulary: the first 998 tokens (byte characters and the earliest merges), BOS 998, EOS 999.
/// </summary>
public static class TinyModel
{
    public static string Fixture => Path.Combine(RepoRoot.Path, "tests", "fixtures", "reference", "tiny_sdlike");

    /// <summary>The fixture's kohya LoRA for the tiny model (synthetic, rank 4, no base-model metadata).</summary>
    public static string LoraFile => Path.Combine(Fixture, "weights", "lora", "lora_kohya.safetensors");

    /// <summary>Writes the model folder <paramref name="name"/> under <paramref name="parent"/> and returns its path.</summary>
    public static string Create(string parent, string name = "tiny-model")
    {
        string model = Path.Combine(parent, name);
        CopyDirectory(Path.Combine(Fixture, "weights", "diffusers"), model);
        string tokenizer = Path.Combine(model, "tokenizer");
        Directory.CreateDirectory(tokenizer);

        string clip = Path.Combine(RepoRoot.Path, "src", "CMLoRA.Engine", "Resources", "ClipVitL14");
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(clip, "vocab.json")))!;
        var small = vocab.Where(p => p.Value < 998).ToDictionary(p => p.Key, p => p.Value);
        small["<|startoftext|>"] = 998;
        small["<|endoftext|>"] = 999;
        File.WriteAllText(Path.Combine(tokenizer, "vocab.json"), JsonSerializer.Serialize(small));
        // Merge i creates token 512 + i, so the first 486 merges only produce tokens below 998.
        File.WriteAllLines(Path.Combine(tokenizer, "merges.txt"), File.ReadLines(Path.Combine(clip, "merges.txt")).Take(1 + 486));
        return model;
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        foreach (string dir in Directory.GetDirectories(source)) CopyDirectory(dir, Path.Combine(target, Path.GetFileName(dir)));
    }
}

using System.Text.Json;

namespace CMLoRA.Engine.TestSupport;

/// <summary>
/// The tiny reference model as a complete diffusers folder: its weights plus a tokenizer that fits its
/// 1000-token text encoder (the first 998 CLIP tokens — byte characters and the earliest merges — and BOS 998,
/// EOS 999, as the fixture README specifies). The fixture ships no tokenizer, and a model without one is refused.
/// The studio's tests use it too, through CMLoRA.TestSupport's <c>TinyModel</c> (which compiles this file in).
/// </summary>
public static class TinyModelFolder
{
    /// <summary>
    /// Writes the folder <paramref name="name"/> under <paramref name="parent"/> and returns its path; files already
    /// there are overwritten.
    /// </summary>
    public static string Create(string parent, string name = "tiny-model")
    {
        string model = Path.Combine(parent, name);
        CopyDirectory(Path.Combine(RepoPaths.TinyReference, "weights", "diffusers"), model);
        string tokenizer = Path.Combine(model, "tokenizer");
        Directory.CreateDirectory(tokenizer);

        string clip = Path.Combine(RepoPaths.Root, "src", "CMLoRA.Engine", "Resources", "ClipVitL14");
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(clip, "vocab.json")))!;
        var small = vocab.Where(p => p.Value < 998).ToDictionary(p => p.Key, p => p.Value);
        small["<|startoftext|>"] = 998;
        small["<|endoftext|>"] = 999;
        File.WriteAllText(Path.Combine(tokenizer, "vocab.json"), JsonSerializer.Serialize(small));
        // Merge i creates token 512 + i, so the first 486 merges only produce tokens below 998.
        var merges = File.ReadLines(Path.Combine(clip, "merges.txt")).Take(1 + 486);
        File.WriteAllLines(Path.Combine(tokenizer, "merges.txt"), merges);
        return model;
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        foreach (var dir in Directory.GetDirectories(source)) CopyDirectory(dir, Path.Combine(target, Path.GetFileName(dir)));
    }
}

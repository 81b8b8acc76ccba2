using System.Text.Json;
using CMLoRA.Engine.Text;

namespace CMLoRA.Engine.Training;

/// <summary>
/// A learned byte-level BPE vocabulary in the CLIP layout: the 256 byte characters, their <c>&lt;/w&gt;</c> forms,
/// one token per merge in merge order, then <c>&lt;|startoftext|&gt;</c> and <c>&lt;|endoftext|&gt;</c>. Written as the
/// Hugging Face tokenizer files that <see cref="ClipTokenizer.Load"/> reads.
/// </summary>
public sealed class BpeVocabulary
{
    /// <summary>The start-of-text token, second to last.</summary>
    public const string StartOfText = "<|startoftext|>";

    /// <summary>The end-of-text token, last; it also pads and stands for unknown symbols, as in SD 1.x.</summary>
    public const string EndOfText = "<|endoftext|>";

    internal BpeVocabulary(IReadOnlyList<string> tokens, IReadOnlyList<(string First, string Second)> merges)
    {
        Tokens = tokens;
        Merges = merges;
    }

    /// <summary>Every token in id order.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>The merges in rank order.</summary>
    public IReadOnlyList<(string First, string Second)> Merges { get; }

    /// <summary>Number of tokens: the text encoder's <c>vocab_size</c>.</summary>
    public int Count => Tokens.Count;

    /// <summary>The id of <see cref="StartOfText"/> (the text encoder's <c>bos_token_id</c>).</summary>
    public int BosId => Count - 2;

    /// <summary>The id of <see cref="EndOfText"/> (<c>eos_token_id</c> and padding).</summary>
    public int EosId => Count - 1;

    /// <summary>Writes vocab.json, merges.txt, special_tokens_map.json and tokenizer_config.json into <paramref name="folder"/>.</summary>
    public void WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        var ids = new Dictionary<string, int>(Count, StringComparer.Ordinal);
        for (int i = 0; i < Count; i++) ids.Add(Tokens[i], i);
        File.WriteAllText(Path.Combine(folder, ClipTokenizer.VocabFileName), JsonSerializer.Serialize(ids));

        using (var merges = new StreamWriter(Path.Combine(folder, ClipTokenizer.MergesFileName)))
        {
            merges.NewLine = "\n";
            merges.WriteLine("#version: 0.2");
            foreach (var (first, second) in Merges) merges.WriteLine($"{first} {second}");
        }

        var special = new Dictionary<string, string>
        {
            ["bos_token"] = StartOfText,
            ["eos_token"] = EndOfText,
            ["unk_token"] = EndOfText,
            ["pad_token"] = EndOfText,
        };
        var indented = new JsonSerializerOptions { WriteIndented = true };
        File.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), JsonSerializer.Serialize(special, indented));
        var config = new Dictionary<string, object>
        {
            ["tokenizer_class"] = "CLIPTokenizer",
            ["model_max_length"] = ClipTokenizer.DefaultMaxLength,
            ["do_lower_case"] = true,
            ["errors"] = "replace",
            ["add_prefix_space"] = false,
            ["bos_token"] = StartOfText,
            ["eos_token"] = EndOfText,
            ["unk_token"] = EndOfText,
            ["pad_token"] = EndOfText,
        };
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), JsonSerializer.Serialize(config, indented));
    }
}

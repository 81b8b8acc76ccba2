using System.Text.Json;

namespace CMLoRA.Engine.Text;

/// <summary>
/// The parsed Hugging Face tokenizer files of a CLIP text encoder: <c>vocab.json</c> (token → id) and
/// <c>merges.txt</c> (one BPE merge per line, the line order being the merge rank).
/// </summary>
/// <remarks>Immutable once built, so one instance can back any number of tokenizers on any thread.</remarks>
internal sealed class ClipVocabulary
{
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";

    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int> _mergeRanks;

    private ClipVocabulary(Dictionary<string, int> ids, Dictionary<string, int> mergeRanks)
    {
        _ids = ids;
        _mergeRanks = mergeRanks;
        BosId = RequireId(StartOfText);
        EosId = RequireId(EndOfText);
    }

    public int BosId { get; }

    public int EosId { get; }

    public int Count => _ids.Count;

    public int MergeCount => _mergeRanks.Count;

    /// <summary>Reads both files; <paramref name="source"/> names them in error messages.</summary>
    public static ClipVocabulary Read(Stream vocabJson, Stream merges, string source)
    {
        Dictionary<string, int>? ids;
        try
        {
            ids = JsonSerializer.Deserialize<Dictionary<string, int>>(vocabJson);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: vocab.json is not a JSON object of token → id: {e.Message}", e);
        }
        if (ids is null || ids.Count == 0)
            throw new InvalidDataException($"{source}: vocab.json holds no tokens.");
        return new ClipVocabulary(ids, ReadMerges(merges, source));
    }

    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    /// <summary>The rank of merging <paramref name="first"/> with <paramref name="second"/>, or -1 when it is no merge.</summary>
    public int MergeRank(string first, string second) =>
        _mergeRanks.TryGetValue(MergeKey(first, second), out int rank) ? rank : -1;

    // Byte-level symbols never contain a plain space (byte 0x20 is written as U+0120), so "a b" is unambiguous.
    private static string MergeKey(string first, string second) => string.Concat(first, " ", second);

    private static Dictionary<string, int> ReadMerges(Stream merges, string source)
    {
        var ranks = new Dictionary<string, int>(capacity: 49_000, StringComparer.Ordinal);
        using var reader = new StreamReader(merges, leaveOpen: true);
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)) continue;
            if (line.Length == 0) continue;
            string[] parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new InvalidDataException($"{source}: merges.txt line {lineNumber} is not two symbols separated by one space.");
            ranks.TryAdd(MergeKey(parts[0], parts[1]), ranks.Count);
        }
        if (ranks.Count == 0)
            throw new InvalidDataException($"{source}: merges.txt holds no merges.");
        return ranks;
    }

    private int RequireId(string token) =>
        _ids.TryGetValue(token, out int id)
            ? id
            : throw new InvalidDataException($"vocab.json has no {token} token: these are not CLIP tokenizer files.");
}

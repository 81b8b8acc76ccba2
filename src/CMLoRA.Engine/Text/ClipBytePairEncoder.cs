using System.Collections.Concurrent;
using System.Text;

namespace CMLoRA.Engine.Text;

/// <summary>
/// CLIP's byte-level BPE: a pre-token's UTF-8 bytes are written with the 256-character byte alphabet,
/// <c>&lt;/w&gt;</c> marks the word end, and merges are applied lowest rank first until none applies.
/// </summary>
/// <remarks>
/// Follows <c>bpe()</c> of OpenAI CLIP's <c>simple_tokenizer.py</c> and Hugging Face's slow <c>CLIPTokenizer</c>.
/// Results are cached per pre-token; the cache is thread-safe and bounded.
/// </remarks>
internal sealed class ClipBytePairEncoder
{
    private const string WordEnd = "</w>";
    private const int MaxCacheEntries = 65_536;

    private static readonly char[] ByteAlphabet = BuildByteAlphabet();

    private readonly ClipVocabulary _vocabulary;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    public ClipBytePairEncoder(ClipVocabulary vocabulary) => _vocabulary = vocabulary;

    public ClipVocabulary Vocabulary => _vocabulary;

    /// <summary>Appends the ids of one pre-token (a word as split by <see cref="ClipPreTokenizer"/>).</summary>
    public void AppendIds(string preToken, List<int> ids)
    {
        if (preToken == ClipVocabulary.StartOfText) { ids.Add(_vocabulary.BosId); return; }
        if (preToken == ClipVocabulary.EndOfText) { ids.Add(_vocabulary.EosId); return; }
        if (!_cache.TryGetValue(preToken, out int[]? cached))
        {
            cached = Encode(preToken);
            if (_cache.Count >= MaxCacheEntries) _cache.Clear();
            _cache.TryAdd(preToken, cached);
        }
        ids.AddRange(cached);
    }

    private int[] Encode(string preToken)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(preToken);
        var symbols = new List<string>(bytes.Length);
        foreach (byte b in bytes) symbols.Add(ByteAlphabet[b].ToString());
        symbols[^1] += WordEnd;
        MergeAll(symbols);

        var ids = new int[symbols.Count];
        for (int i = 0; i < symbols.Count; i++)
        {
            // Every final symbol is in a well-formed vocabulary; the reference falls back to the unknown token (= EOS).
            ids[i] = _vocabulary.TryGetId(symbols[i], out int id) ? id : _vocabulary.EosId;
        }
        return ids;
    }

    private void MergeAll(List<string> symbols)
    {
        while (symbols.Count > 1)
        {
            int bestRank = int.MaxValue;
            string? first = null, second = null;
            for (int i = 0; i + 1 < symbols.Count; i++)
            {
                int rank = _vocabulary.MergeRank(symbols[i], symbols[i + 1]);
                if (rank >= 0 && rank < bestRank)
                {
                    bestRank = rank;
                    first = symbols[i];
                    second = symbols[i + 1];
                }
            }
            if (first is null || second is null) return;

            // Merge every non-overlapping occurrence of the pair, left to right.
            int write = 0;
            for (int read = 0; read < symbols.Count; write++)
            {
                if (read + 1 < symbols.Count && symbols[read] == first && symbols[read + 1] == second)
                {
                    symbols[write] = first + second;
                    read += 2;
                }
                else
                {
                    symbols[write] = symbols[read];
                    read++;
                }
            }
            symbols.RemoveRange(write, symbols.Count - write);
        }
    }

    /// <summary>
    /// Bytes 0x21–0x7E, 0xA1–0xAC and 0xAE–0xFF stand for themselves; the other 68 bytes take U+0100 onwards
    /// in increasing byte order (so the space 0x20 is U+0120 'Ġ').
    /// </summary>
    private static char[] BuildByteAlphabet()
    {
        var alphabet = new char[256];
        int next = 0x100;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= 0x21 and <= 0x7E or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            alphabet[b] = printable ? (char)b : (char)next++;
        }
        return alphabet;
    }
}

using System.Text;
using CMLoRA.Engine.Text;

namespace CMLoRA.Engine.Training;

/// <summary>
/// Learns a byte-level BPE vocabulary from a caption corpus (Sennrich et al., 2016; the CLIP variant with word-end
/// markers): texts are cleaned and split into words exactly as <see cref="ClipTokenizer"/> does, each word starts as
/// its UTF-8 byte characters with <c>&lt;/w&gt;</c> on the last one, and the most frequent adjacent pair is merged
/// until the vocabulary reaches the target size or no pair is left. Deterministic: ties go to the ordinally smallest pair.
/// </summary>
public static class BpeVocabularyBuilder
{
    private const string WordEnd = "</w>";

    /// <summary>The smallest vocabulary: 256 byte characters, their word-end forms and the two special tokens.</summary>
    public const int MinimumSize = 2 * 256 + 2;

    /// <summary>
    /// Learns merges from <paramref name="corpus"/> until the vocabulary holds <paramref name="targetSize"/> tokens
    /// (fewer when every word of the corpus has become a single token).
    /// </summary>
    public static BpeVocabulary Learn(IEnumerable<string> corpus, int targetSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetSize, MinimumSize);

        // 1. Word frequencies, words as symbol lists
        var frequencies = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string text in corpus)
            foreach (string word in ClipPreTokenizer.Split(ClipTextCleaner.Clean(text)))
                if (word is not (BpeVocabulary.StartOfText or BpeVocabulary.EndOfText))
                    frequencies[word] = frequencies.GetValueOrDefault(word) + 1;
        var words = frequencies.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (Symbols: ToSymbols(p.Key), Count: p.Value)).ToList();

        // 2. Base tokens in CLIP's order
        char[] alphabet = ByteAlphabetInVocabularyOrder();
        var tokens = new List<string>(targetSize);
        tokens.AddRange(alphabet.Select(c => c.ToString()));
        tokens.AddRange(alphabet.Select(c => c + WordEnd));
        var known = new HashSet<string>(tokens, StringComparer.Ordinal);

        // 3. Merge the most frequent pair until the target size is reached
        var merges = new List<(string, string)>();
        while (tokens.Count + 2 < targetSize)
        {
            var best = MostFrequentPair(words);
            if (best is not { } pair) break;
            merges.Add(pair);
            string merged = pair.First + pair.Second;
            // Two merges can spell the same token ("a"+"bc", "ab"+"c"); the id is given once so ids stay contiguous.
            if (known.Add(merged)) tokens.Add(merged);
            foreach (var word in words) Apply(word.Symbols, pair.First, pair.Second);
        }

        tokens.Add(BpeVocabulary.StartOfText);
        tokens.Add(BpeVocabulary.EndOfText);
        return new BpeVocabulary(tokens, merges);
    }

    private static List<string> ToSymbols(string word)
    {
        char[] byteChars = ByteAlphabetInByteOrder();
        var symbols = Encoding.UTF8.GetBytes(word).Select(b => byteChars[b].ToString()).ToList();
        symbols[^1] += WordEnd;
        return symbols;
    }

    private static (string First, string Second)? MostFrequentPair(List<(List<string> Symbols, long Count)> words)
    {
        var counts = new Dictionary<(string, string), long>();
        foreach (var (symbols, count) in words)
            for (int i = 0; i + 1 < symbols.Count; i++)
                counts[(symbols[i], symbols[i + 1])] = counts.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
        if (counts.Count == 0) return null;
        return counts.OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key.Item1, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Item2, StringComparer.Ordinal)
            .First().Key;
    }

    private static void Apply(List<string> symbols, string first, string second)
    {
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
                symbols[write] = symbols[read++];
            }
        }
        symbols.RemoveRange(write, symbols.Count - write);
    }

    // GPT-2/CLIP byte alphabet: printable bytes stand for themselves, the other 68 take U+0100 onwards in byte order.
    private static bool IsPrintable(int b) => b is >= 0x21 and <= 0x7E or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;

    private static char[] ByteAlphabetInByteOrder()
    {
        var alphabet = new char[256];
        int next = 0x100;
        for (int b = 0; b < 256; b++) alphabet[b] = IsPrintable(b) ? (char)b : (char)next++;
        return alphabet;
    }

    // The vocabulary lists the printable bytes first (in byte order), then the remapped ones, as CLIP's vocab.json does.
    private static char[] ByteAlphabetInVocabularyOrder()
    {
        char[] byByte = ByteAlphabetInByteOrder();
        return Enumerable.Range(0, 256).Where(IsPrintable).Concat(Enumerable.Range(0, 256).Where(b => !IsPrintable(b)))
            .Select(b => byByte[b]).ToArray();
    }
}

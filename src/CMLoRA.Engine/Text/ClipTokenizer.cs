using System.Reflection;
using System.Text.Json;

namespace CMLoRA.Engine.Text;

/// <summary>
/// The CLIP byte-level BPE tokenizer of Stable Diffusion 1.x text encoders, reproducing the reference
/// Hugging Face <c>CLIPTokenizer</c> (with ftfy installed) id for id.
/// </summary>
/// <remarks>
/// Steps, as the reference: split on the literal special tokens <c>&lt;|startoftext|&gt;</c>/<c>&lt;|endoftext|&gt;</c>;
/// fix each piece as ftfy does (HTML references, mojibake, full-width forms, curly quotes, control characters,
/// NFC); collapse white space; lower-case (Python's full mapping); split into words with CLIP's pattern
/// (letter runs, single digits, runs of other symbols, English contractions); map each word's UTF-8 bytes to
/// the byte alphabet, append <c>&lt;/w&gt;</c> and apply BPE merges by rank. Instances are immutable and
/// thread-safe; the built-in vocabulary and its BPE cache are read once per process and shared.
/// </remarks>
public sealed class ClipTokenizer
{
    /// <summary>The context length of the CLIP text encoder: BOS + 75 tokens + EOS.</summary>
    public const int DefaultMaxLength = 77;

    /// <summary>The token → id file of a Hugging Face tokenizer folder.</summary>
    public const string VocabFileName = "vocab.json";

    /// <summary>The BPE merges file of a Hugging Face tokenizer folder, one merge per line in rank order.</summary>
    public const string MergesFileName = "merges.txt";

    /// <summary>Where a diffusers model keeps its tokenizer files.</summary>
    public const string TokenizerSubfolder = "tokenizer";

    private const string DefaultResourcePrefix = "CMLoRA.Engine.Resources.ClipVitL14.";

    private static readonly Lazy<ClipBytePairEncoder> DefaultEncoder = new(LoadDefaultEncoder);

    private readonly ClipVocabulary _vocabulary;
    private readonly ClipBytePairEncoder _encoder;

    private ClipTokenizer(ClipVocabulary vocabulary, ClipBytePairEncoder encoder, int? padId, string source)
    {
        _vocabulary = vocabulary;
        _encoder = encoder;
        PadId = padId ?? vocabulary.EosId;
        if (PadId < 0 || PadId >= vocabulary.Count)
            throw new ArgumentOutOfRangeException(nameof(padId), padId, $"The pad id must be a token id of {source}.");
        Source = source;
    }

    /// <summary>The id of <c>&lt;|startoftext|&gt;</c> (49406 for CLIP ViT-L/14).</summary>
    public int BosId => _vocabulary.BosId;

    /// <summary>The id of <c>&lt;|endoftext|&gt;</c> (49407 for CLIP ViT-L/14).</summary>
    public int EosId => _vocabulary.EosId;

    /// <summary>The id padding fills with: the EOS id for SD 1.x; some CLIP tokenizers (SD 2.x) pad with 0.</summary>
    public int PadId { get; }

    /// <summary>The number of tokens in the vocabulary (49408 for CLIP ViT-L/14).</summary>
    public int VocabularySize => _vocabulary.Count;

    /// <summary>Where the vocabulary came from: a folder, or "built-in CLIP ViT-L/14 vocabulary".</summary>
    public string Source { get; }

    /// <summary>The built-in CLIP ViT-L/14 vocabulary (MIT, OpenAI) embedded in the engine: the SD 1.x tokenizer.</summary>
    /// <param name="padId">The padding id; null pads with EOS, as SD 1.x does.</param>
    public static ClipTokenizer LoadDefault(int? padId = null)
    {
        ClipBytePairEncoder encoder = DefaultEncoder.Value;
        return new ClipTokenizer(encoder.Vocabulary, encoder, padId, "built-in CLIP ViT-L/14 vocabulary");
    }

    /// <summary>
    /// Loads <c>vocab.json</c> and <c>merges.txt</c> from <paramref name="folder"/>, or from its <c>tokenizer/</c>
    /// subfolder (a diffusers model folder).
    /// </summary>
    /// <param name="folder">The tokenizer folder or the model folder.</param>
    /// <param name="padId">
    /// The padding id; null reads <c>pad_token</c> from <c>special_tokens_map.json</c> or
    /// <c>tokenizer_config.json</c> when present, else pads with EOS.
    /// </param>
    /// <exception cref="TokenizerFilesMissingException">Neither folder has both files.</exception>
    /// <exception cref="InvalidDataException">The files are not CLIP tokenizer files.</exception>
    public static ClipTokenizer Load(string folder, int? padId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string tokenizerFolder = FindTokenizerFolder(folder);
        ClipVocabulary vocabulary;
        using (var vocab = File.OpenRead(Path.Combine(tokenizerFolder, VocabFileName)))
        using (var merges = File.OpenRead(Path.Combine(tokenizerFolder, MergesFileName)))
        {
            vocabulary = ClipVocabulary.Read(vocab, merges, tokenizerFolder);
        }
        padId ??= ReadPadId(tokenizerFolder, vocabulary);
        return new ClipTokenizer(vocabulary, new ClipBytePairEncoder(vocabulary), padId, tokenizerFolder);
    }

    /// <summary>
    /// Builds a tokenizer from the contents of <c>vocab.json</c> and <c>merges.txt</c> held in memory (for example
    /// in a single-file checkpoint's metadata). Pads with EOS unless <paramref name="padId"/> says otherwise.
    /// </summary>
    /// <param name="source">Names the texts in error messages and becomes <see cref="Source"/>.</param>
    /// <exception cref="InvalidDataException">The texts are not CLIP tokenizer files.</exception>
    public static ClipTokenizer FromText(string vocabJson, string merges, string source, int? padId = null)
    {
        ArgumentNullException.ThrowIfNull(vocabJson);
        ArgumentNullException.ThrowIfNull(merges);
        ClipVocabulary vocabulary;
        using (var vocab = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(vocabJson)))
        using (var mergeLines = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(merges)))
        {
            vocabulary = ClipVocabulary.Read(vocab, mergeLines, source);
        }
        return new ClipTokenizer(vocabulary, new ClipBytePairEncoder(vocabulary), padId, source);
    }

    /// <summary>The token ids of <paramref name="text"/>, without BOS/EOS and never truncated.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        int start = 0;
        while (start <= text.Length)
        {
            (int at, int specialId, int specialLength) = NextSpecialToken(text, start);
            string piece = text[start..at];
            if (piece.Length > 0)
            {
                foreach (string word in ClipPreTokenizer.Split(ClipTextCleaner.Clean(piece)))
                    _encoder.AppendIds(word, ids);
            }
            if (specialLength == 0) break;
            ids.Add(specialId);
            start = at + specialLength;
        }
        return ids.ToArray();
    }

    /// <summary>
    /// BOS + the ids of <paramref name="text"/> + EOS, padded with <see cref="PadId"/> to exactly
    /// <paramref name="maxLength"/> ids; longer text loses its last tokens, never the EOS.
    /// This is what SD pipelines feed the text encoder.
    /// </summary>
    public int[] EncodePadded(string text, int maxLength = DefaultMaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        int[] content = Encode(text);
        int kept = Math.Min(content.Length, maxLength - 2);
        var ids = new int[maxLength];
        ids[0] = BosId;
        Array.Copy(content, 0, ids, 1, kept);
        ids[kept + 1] = EosId;
        Array.Fill(ids, PadId, kept + 2, maxLength - kept - 2);
        return ids;
    }

    /// <summary>The id of one vocabulary entry (for example <c>",&lt;/w&gt;"</c>), or null when it has none.</summary>
    public int? TokenId(string token) => _vocabulary.TryGetId(token, out int id) ? id : null;

    private (int At, int Id, int Length) NextSpecialToken(string text, int start)
    {
        int bos = text.IndexOf(ClipVocabulary.StartOfText, start, StringComparison.Ordinal);
        int eos = text.IndexOf(ClipVocabulary.EndOfText, start, StringComparison.Ordinal);
        if (bos < 0 && eos < 0) return (text.Length, 0, 0);
        if (eos < 0 || (bos >= 0 && bos < eos)) return (bos, BosId, ClipVocabulary.StartOfText.Length);
        return (eos, EosId, ClipVocabulary.EndOfText.Length);
    }

    private static string FindTokenizerFolder(string folder)
    {
        string subfolder = Path.Combine(folder, TokenizerSubfolder);
        if (HasBothFiles(folder)) return folder;
        if (HasBothFiles(subfolder)) return subfolder;
        string reported = Directory.Exists(subfolder) ? subfolder : folder;
        var missing = new[] { VocabFileName, MergesFileName }
            .Where(name => !File.Exists(Path.Combine(reported, name))).ToArray();
        throw new TokenizerFilesMissingException(folder, missing);
    }

    private static bool HasBothFiles(string folder) =>
        File.Exists(Path.Combine(folder, VocabFileName)) && File.Exists(Path.Combine(folder, MergesFileName));

    private static int? ReadPadId(string folder, ClipVocabulary vocabulary)
    {
        foreach (string file in new[] { "special_tokens_map.json", "tokenizer_config.json" })
        {
            string path = Path.Combine(folder, file);
            if (!File.Exists(path)) continue;
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (!document.RootElement.TryGetProperty("pad_token", out JsonElement pad)) continue;
            string? token = pad.ValueKind switch
            {
                JsonValueKind.String => pad.GetString(),
                JsonValueKind.Object when pad.TryGetProperty("content", out JsonElement content) => content.GetString(),
                _ => null,
            };
            if (token is null) continue;
            return vocabulary.TryGetId(token, out int id)
                ? id
                : throw new InvalidDataException($"{path}: pad_token '{token}' is not in {VocabFileName}.");
        }
        return null;
    }

    private static ClipBytePairEncoder LoadDefaultEncoder()
    {
        Assembly assembly = typeof(ClipTokenizer).Assembly;
        using Stream vocab = OpenResource(assembly, VocabFileName);
        using Stream merges = OpenResource(assembly, MergesFileName);
        return new ClipBytePairEncoder(ClipVocabulary.Read(vocab, merges, "built-in CLIP ViT-L/14 vocabulary"));
    }

    private static Stream OpenResource(Assembly assembly, string fileName) =>
        assembly.GetManifestResourceStream(DefaultResourcePrefix + fileName)
        ?? throw new InvalidOperationException($"The engine assembly lacks its embedded {fileName} ({DefaultResourcePrefix}{fileName}).");
}

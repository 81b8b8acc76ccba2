using System.Text.Json;
using CMLoRA.Engine.Tests.Support;
using CMLoRA.Engine.Text;
using CMLoRA.Engine.Training;
using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Tests.Training;

public sealed class WorldVocabularyFixture : IDisposable
{
    private readonly TempDirectory _temp = new();

    public IReadOnlyList<string> Corpus { get; } = WorldCaptionCorpus.Captions(seed: 5, baseCount: 600, perNovelConcept: 8).ToList();
    public BpeVocabulary Vocabulary { get; }
    public string Folder { get; }
    public ClipTokenizer Tokenizer { get; }

    public WorldVocabularyFixture()
    {
        Vocabulary = BpeVocabularyBuilder.Learn(Corpus, 1024);
        Folder = Path.Combine(_temp.Path, "tokenizer");
        Vocabulary.WriteTo(Folder);
        Tokenizer = ClipTokenizer.Load(Folder);
    }

    public void Dispose() => _temp.Dispose();
}

public class BpeVocabularyBuilderTests(WorldVocabularyFixture world) : IClassFixture<WorldVocabularyFixture>
{
    [Fact]
    public void EveryCaptionRoundTripsThroughTheLoadedTokenizerWithKnownTokensOnly()
    {
        var tokens = world.Vocabulary.Tokens;
        foreach (string caption in world.Corpus)
        {
            int[] ids = world.Tokenizer.Encode(caption);
            // The byte-level encoder falls back to EOS for a symbol missing from the vocabulary.
            Assert.DoesNotContain(world.Tokenizer.EosId, ids);
            string decoded = string.Concat(ids.Select(id => tokens[id])).Replace("</w>", " ").Trim();
            Assert.Equal(caption.Replace(",", " ,"), decoded);
        }
    }

    [Fact]
    public void EveryWorldWordAndEveryTriggerWordIsOneToken()
    {
        foreach (string word in world.Corpus.SelectMany(c => c.Split(' ', ',')).Where(w => w.Length > 0).Distinct())
            Assert.True(world.Tokenizer.Encode(word).Length == 1, $"'{word}' is {world.Tokenizer.Encode(word).Length} tokens");
        foreach (var concept in ConceptCatalog.Novel)
            Assert.Single(world.Tokenizer.Encode(concept.Trigger!));
    }

    [Fact]
    public void TheFilesFollowTheClipLayout()
    {
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(world.Folder, "vocab.json")))!;
        var clip = JsonSerializer.Deserialize<Dictionary<string, int>>(
            File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "CMLoRA.Engine", "Resources", "ClipVitL14", "vocab.json")))!;
        // The 256 byte characters and their word-end forms carry CLIP's ids 0..511.
        foreach (var (token, id) in clip.Where(p => p.Value < 512)) Assert.Equal(id, vocab[token]);
        Assert.Equal(Enumerable.Range(0, vocab.Count), vocab.Values.Order());
        Assert.Equal(vocab.Count - 2, vocab["<|startoftext|>"]);
        Assert.Equal(vocab.Count - 1, vocab["<|endoftext|>"]);
        Assert.Equal((world.Vocabulary.BosId, world.Vocabulary.EosId), (world.Tokenizer.BosId, world.Tokenizer.EosId));
        Assert.Equal(world.Tokenizer.EosId, world.Tokenizer.PadId);

        string[] merges = File.ReadAllLines(Path.Combine(world.Folder, "merges.txt"));
        Assert.Equal("#version: 0.2", merges[0]);
        Assert.Equal(world.Vocabulary.Merges.Count, merges.Length - 1);
        Assert.All(merges.Skip(1), line => Assert.Equal(2, line.Split(' ').Length));
        // Each merge adds the token it spells (unless an earlier merge already spelled it), in merge order.
        Assert.Equal(vocab.Count - 514, world.Vocabulary.Merges.Select(m => m.First + m.Second).Distinct().Count());
    }

    [Fact]
    public void LearningIsDeterministicAndStopsAtTheTargetSize()
    {
        var again = BpeVocabularyBuilder.Learn(world.Corpus, 1024);
        Assert.Equal(world.Vocabulary.Tokens, again.Tokens);
        Assert.Equal(world.Vocabulary.Merges, again.Merges);

        var small = BpeVocabularyBuilder.Learn(world.Corpus, 600);
        Assert.Equal(600, small.Count);
        Assert.Equal(world.Vocabulary.Tokens.Take(598), small.Tokens.Take(598));
        Assert.Equal(["<|startoftext|>", "<|endoftext|>"], small.Tokens.Skip(598));
        Assert.Throws<ArgumentOutOfRangeException>(() => BpeVocabularyBuilder.Learn(world.Corpus, 513));
    }

    [Fact]
    public void TheWorldVocabularyHasFewerThanTheTargetWhenEveryWordIsMerged()
    {
        // ~70 distinct words: once each is a single token no pair is left, so the vocabulary stops early.
        Assert.InRange(world.Vocabulary.Count, 600, 1024);
    }
}

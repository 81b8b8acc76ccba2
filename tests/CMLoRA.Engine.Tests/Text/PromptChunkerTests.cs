using CMLoRA.Engine.Text;

namespace CMLoRA.Engine.Tests.Text;

public class PromptChunkerTests
{
    private const int Bos = 49406, Eos = 49407, Comma = 267, A = 320, B = 321;
    private static readonly ClipTokenizer Tokenizer = ClipTokenizer.LoadDefault();
    private static readonly PromptChunker Chunker = new(Tokenizer);

    [Fact]
    public void ShortPromptIsOneChunkEqualToThePaddedEncoding()
    {
        TokenizedPrompt result = Chunker.Tokenize("a photo of a cat");
        PromptChunk chunk = Assert.Single(result.Chunks);
        Assert.Equal(Tokenizer.EncodePadded("a photo of a cat"), chunk.Ids);
        Assert.All(chunk.Weights, w => Assert.Equal(1f, w));
        Assert.Equal(5, chunk.TokenCount);
        Assert.Equal(5, result.TokenCount);
    }

    [Fact]
    public void EmptyPromptIsOneChunkOfPadding()
    {
        PromptChunk chunk = Assert.Single(Chunker.Tokenize("").Chunks);
        Assert.Equal(Bos, chunk.Ids[0]);
        Assert.All(chunk.Ids[1..], id => Assert.Equal(Eos, id));
        Assert.Equal(0, chunk.TokenCount);
    }

    [Fact]
    public void LongPromptKeepsEveryTokenAcrossChunksOf75()
    {
        // Fixture line 98: 97 prompt tokens, which SD truncates to 75.
        TokenizerCase c = TokenizerCases.All.Single(x => x.Line == 98);
        TokenizedPrompt result = Chunker.Tokenize(c.Text);

        Assert.Equal(2, result.Chunks.Count);
        Assert.Equal(97, result.TokenCount);
        PromptChunk first = result.Chunks[0], second = result.Chunks[1];
        Assert.Equal(c.InputIds, first.Ids); // the first chunk is exactly what truncation keeps
        Assert.Equal(75, first.TokenCount);
        Assert.Equal(22, second.TokenCount);
        Assert.Equal(Bos, second.Ids[0]);
        Assert.Equal(c.IdsUnpadded[76..^1], second.Ids[1..23]);
        Assert.All(second.Ids[23..], id => Assert.Equal(Eos, id));
        Assert.All(result.Chunks, chunk =>
        {
            Assert.Equal(77, chunk.Ids.Length);
            Assert.Equal(77, chunk.Weights.Length);
        });
    }

    [Theory]
    [InlineData(74, 1)]
    [InlineData(75, 1)]
    [InlineData(76, 2)]
    [InlineData(150, 2)]
    [InlineData(151, 3)]
    public void HardSplitEvery75Tokens(int tokens, int chunks)
    {
        TokenizedPrompt result = Chunker.Tokenize(string.Join(' ', Enumerable.Repeat("a", tokens)));
        Assert.Equal(chunks, result.Chunks.Count);
        Assert.Equal(tokens, result.TokenCount);
        Assert.All(result.Chunks.SkipLast(1), chunk => Assert.Equal(75, chunk.TokenCount));
    }

    [Fact]
    public void BreakStartsANewChunk()
    {
        TokenizedPrompt result = Chunker.Tokenize("a cat BREAK a dog");
        Assert.Equal(2, result.Chunks.Count);
        Assert.Equal(new[] { Bos, A, 2368, Eos, Eos }, result.Chunks[0].Ids[..5]);
        Assert.Equal(new[] { Bos, A, 1929, Eos, Eos }, result.Chunks[1].Ids[..5]);
    }

    [Fact]
    public void LeadingBreakGivesAnEmptyFirstChunkAsTheReference()
    {
        TokenizedPrompt result = Chunker.Tokenize("BREAK a");
        Assert.Equal(2, result.Chunks.Count);
        Assert.Equal(0, result.Chunks[0].TokenCount);
        Assert.Equal(1, result.Chunks[1].TokenCount);
    }

    [Fact]
    public void TrailingBreakAddsNoEmptyChunk() => Assert.Single(Chunker.Tokenize("a cat BREAK").Chunks);

    [Fact]
    public void EveryTokenCarriesItsFragmentWeight()
    {
        PromptChunk chunk = Assert.Single(Chunker.Tokenize("a (red cat:1.5) [dog]").Chunks);
        Assert.Equal(new[] { Bos, A, 736, 2368, 1929, Eos }, chunk.Ids[..6]);
        Assert.Equal(new[] { 1f, 1f, 1.5f, 1.5f, (float)(1 / 1.1), 1f }, chunk.Weights[..6]);
        Assert.All(chunk.Weights[6..], w => Assert.Equal(1f, w));
    }

    [Fact]
    public void WeightsFollowTokensIntoTheNextChunk()
    {
        string prompt = string.Join(' ', Enumerable.Repeat("a", 74)) + " (b b b:1.3)";
        TokenizedPrompt result = Chunker.Tokenize(prompt);
        Assert.Equal(2, result.Chunks.Count);
        Assert.Equal(B, result.Chunks[0].Ids[75]);
        Assert.Equal(1.3f, result.Chunks[0].Weights[75]);
        Assert.Equal(new[] { Bos, B, B, Eos }, result.Chunks[1].Ids[..4]);
        Assert.Equal(new[] { 1f, 1.3f, 1.3f, 1f }, result.Chunks[1].Weights[..4]);
    }

    [Fact]
    public void ZeroPadTokenizerPutsEosRightAfterThePrompt()
    {
        var chunker = new PromptChunker(ClipTokenizer.LoadDefault(padId: 0));
        PromptChunk chunk = Assert.Single(chunker.Tokenize("a cat").Chunks);
        Assert.Equal(new[] { Bos, A, 2368, Eos, 0 }, chunk.Ids[..5]);
        Assert.All(chunk.Ids[4..], id => Assert.Equal(0, id));
    }

    [Fact]
    public void CommaBacktrackMovesTheTextAfterTheLastCommaToTheNextChunk()
    {
        // 70 × "a", a comma, 10 × "b": the 75th token is the 4th "b".
        string prompt = string.Join(' ', Enumerable.Repeat("a", 70)) + ", " + string.Join(' ', Enumerable.Repeat("b", 10));

        TokenizedPrompt hard = Chunker.Tokenize(prompt);
        Assert.Equal(new[] { 75, 6 }, hard.Chunks.Select(c => c.TokenCount));

        TokenizedPrompt backtracked = new PromptChunker(Tokenizer, commaBacktrack: 20).Tokenize(prompt);
        Assert.Equal(new[] { 71, 10 }, backtracked.Chunks.Select(c => c.TokenCount));
        Assert.Equal(Comma, backtracked.Chunks[0].Ids[71]);
        Assert.Equal(Eos, backtracked.Chunks[0].Ids[72]);
        Assert.All(backtracked.Chunks[1].Ids[1..11], id => Assert.Equal(B, id));

        TokenizedPrompt tooFar = new PromptChunker(Tokenizer, commaBacktrack: 3).Tokenize(prompt);
        Assert.Equal(new[] { 75, 6 }, tooFar.Chunks.Select(c => c.TokenCount));
    }
}

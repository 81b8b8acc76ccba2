using CMLoRA.Engine.Text;

namespace CMLoRA.Engine.Tests.Text;

/// <summary>The 99 prompts of the fixture, tokenized exactly as the reference Python tokenizer does.</summary>
public class ClipTokenizerReferenceTests
{
    private static readonly ClipTokenizer Tokenizer = ClipTokenizer.LoadDefault();

    [Fact]
    public void FixtureHasAllNinetyNineCases() => Assert.Equal(99, TokenizerCases.All.Count);

    [Theory]
    [MemberData(nameof(TokenizerCases.LineNumbers), MemberType = typeof(TokenizerCases))]
    public void EncodeMatchesReferenceUnpaddedIds(int line)
    {
        TokenizerCase c = TokenizerCases.All.Single(x => x.Line == line);
        int[] expected = c.IdsUnpadded[1..^1]; // the fixture's unpadded ids carry BOS and EOS
        Assert.Equal(expected, Tokenizer.Encode(c.Text));
    }

    [Theory]
    [MemberData(nameof(TokenizerCases.LineNumbers), MemberType = typeof(TokenizerCases))]
    public void EncodePaddedMatchesReferenceInputIds(int line)
    {
        TokenizerCase c = TokenizerCases.All.Single(x => x.Line == line);
        Assert.Equal(c.InputIds, Tokenizer.EncodePadded(c.Text));
    }
}

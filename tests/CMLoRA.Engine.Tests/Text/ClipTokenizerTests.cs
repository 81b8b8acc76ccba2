using CMLoRA.Engine.Text;

namespace CMLoRA.Engine.Tests.Text;

public class ClipTokenizerTests
{
    private const int Bos = 49406, Eos = 49407;
    private static readonly ClipTokenizer Tokenizer = ClipTokenizer.LoadDefault();

    [Fact]
    public void DefaultVocabularyIsClipVitL14()
    {
        Assert.Equal(49408, Tokenizer.VocabularySize);
        Assert.Equal(Bos, Tokenizer.BosId);
        Assert.Equal(Eos, Tokenizer.EosId);
        Assert.Equal(Eos, Tokenizer.PadId);
        Assert.Equal(new[] { 320, 1125, 539, 320, 2368 }, Tokenizer.Encode("a photo of a cat"));
    }

    [Fact]
    public void EncodePaddedWrapsInBosEosAndPadsWithEosTo77()
    {
        int[] ids = Tokenizer.EncodePadded("a photo of a cat");
        Assert.Equal(77, ids.Length);
        Assert.Equal(new[] { Bos, 320, 1125, 539, 320, 2368, Eos }, ids[..7]);
        Assert.All(ids[7..], id => Assert.Equal(Eos, id));
    }

    [Fact]
    public void EncodePaddedTruncatesContentButKeepsEos()
    {
        string text = string.Join(' ', Enumerable.Repeat("cat", 100));
        int[] ids = Tokenizer.EncodePadded(text);
        Assert.Equal(77, ids.Length);
        Assert.Equal(Bos, ids[0]);
        Assert.All(ids[1..76], id => Assert.Equal(2368, id));
        Assert.Equal(Eos, ids[76]);
        Assert.Equal(100, Tokenizer.Encode(text).Length);
    }

    [Fact]
    public void EncodePaddedHonoursAnotherLength()
    {
        int[] ids = Tokenizer.EncodePadded("a photo of a cat", maxLength: 4);
        Assert.Equal(new[] { Bos, 320, 1125, Eos }, ids);
    }

    [Fact]
    public void PadIdIsConfigurable()
    {
        ClipTokenizer zeroPadded = ClipTokenizer.LoadDefault(padId: 0);
        int[] ids = zeroPadded.EncodePadded("cat");
        Assert.Equal(new[] { Bos, 2368, Eos }, ids[..3]);
        Assert.All(ids[3..], id => Assert.Equal(0, id));
    }

    [Fact]
    public void EmptyTextIsBosEosAndPadding()
    {
        Assert.Empty(Tokenizer.Encode(""));
        Assert.Equal(new[] { Bos, Eos }, Tokenizer.EncodePadded("")[..2]);
    }

    [Fact]
    public void LiteralSpecialTokensInTextBecomeTheirIds()
    {
        Assert.Equal(new[] { 320, 2368, Eos, 320, 1929 }, Tokenizer.Encode("a cat<|endoftext|>a dog"));
        Assert.Equal(new[] { Bos, 2368 }, Tokenizer.Encode("<|startoftext|>cat"));
    }

    [Theory]
    [InlineData("ﬁne", "fine")]
    [InlineData("&EACUTE;t&eacute;", "été")]
    [InlineData("&#128; &#x20AC;", "€ €")]
    [InlineData("fish &amp;amp;amp; chips", "fish & chips")]
    [InlineData("caf\u00C3\u00A9 caf\u00E9", "café café")]
    [InlineData("\u201Cquoted\u201D", "\"quoted\"")]
    [InlineData("\u001B[31mred\u001B[0m", "red")]
    [InlineData("e\u0301", "é")]
    public void TextIsRepairedBeforeTokenizing(string messy, string clean) =>
        Assert.Equal(Tokenizer.Encode(clean), Tokenizer.Encode(messy));

    [Fact]
    public void LoneSurrogateIsReadAsReplacementCharacter() =>
        Assert.Equal(Tokenizer.Encode("a \uFFFD b"), Tokenizer.Encode("a \uD800 b"));

    [Fact]
    public void TokenIdLooksUpVocabularyEntries()
    {
        Assert.Equal(267, Tokenizer.TokenId(",</w>"));
        Assert.Null(Tokenizer.TokenId("no such token"));
    }

    [Fact]
    public void EncodingIsThreadSafe()
    {
        TokenizerCase[] cases = TokenizerCases.All.ToArray();
        Parallel.For(0, 400, i =>
        {
            TokenizerCase c = cases[i % cases.Length];
            Assert.Equal(c.InputIds, Tokenizer.EncodePadded(c.Text));
        });
    }
}

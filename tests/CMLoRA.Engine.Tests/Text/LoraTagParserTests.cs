using CMLoRA.Engine.Text;

namespace CMLoRA.Engine.Tests.Text;

public class LoraTagParserTests
{
    [Fact]
    public void ExtractsNameAndWeightAndRemovesTheTag()
    {
        LoraTagExtraction result = LoraTagParser.Extract("<lora:add_detail:0.5>, masterpiece");
        Assert.Equal(", masterpiece", result.Prompt);
        Assert.Equal(new[] { new LoraTag("add_detail", 0.5f) }, result.Loras);
    }

    [Fact]
    public void WeightDefaultsToOne() =>
        Assert.Equal(new[] { new LoraTag("style", 1f) }, LoraTagParser.Extract("a cat <lora:style>").Loras);

    [Fact]
    public void ExtractsSeveralTagsInOrder()
    {
        LoraTagExtraction result = LoraTagParser.Extract(
            "masterpiece, <lora:nezuko-v2.1:0.8> pink eyes <LORA:bamboo_style:-0.4><lyco:Lineart:1.2>");
        Assert.Equal("masterpiece,  pink eyes ", result.Prompt);
        Assert.Equal(
            new[] { new LoraTag("nezuko-v2.1", 0.8f), new LoraTag("bamboo_style", -0.4f), new LoraTag("Lineart", 1.2f) },
            result.Loras);
    }

    [Fact]
    public void TrimsSpacesAroundNameAndWeight() =>
        Assert.Equal(new[] { new LoraTag("foo", 0.7f) }, LoraTagParser.Extract("<lora: foo : 0.7 >").Loras);

    [Fact]
    public void LeavesOtherExtraNetworkTagsAndPlainTextAlone()
    {
        const string prompt = "<hypernet:anime_3:1>, a <b>cat</b>, (masterpiece:1.2)";
        LoraTagExtraction result = LoraTagParser.Extract(prompt);
        Assert.Equal(prompt, result.Prompt);
        Assert.Empty(result.Loras);
    }

    [Theory]
    [InlineData("<lora::0.5>", "no name")]
    [InlineData("<lora:foo:abc>", "not a number")]
    [InlineData("<lora:foo:0.5:0.3>", "more than a name and a weight")]
    public void RefusesMalformedTags(string prompt, string reason)
    {
        var error = Assert.Throws<FormatException>(() => LoraTagParser.Extract(prompt));
        Assert.Contains(reason, error.Message);
        Assert.Contains(prompt, error.Message);
    }
}

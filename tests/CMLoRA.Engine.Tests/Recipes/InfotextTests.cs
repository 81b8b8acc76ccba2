using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Recipes;

namespace CMLoRA.Engine.Tests.Recipes;

public class InfotextTests
{
    [Fact]
    public void FormatsA1111StyleWithOurKeysAfterA1111s()
    {
        string expected =
            "a girl in a garden, (night:1.2) <lora:Alice:0.8> <lora:garden night:0.55>\n" +
            "Negative prompt: blurry, lowres\n" +
            "Steps: 25, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7.5, Seed: 3141592653, Size: 512x768, " +
            "Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Clip skip: 2, RNG: CPU, " +
            "Lora hashes: \"Alice: fedcba987654, garden night: aaaabbbbcc\", Composition: CMLoRA, " +
            "Composition options: \"{\\\"method\\\":\\\"cmlora\\\",\\\"dominantRefresh\\\":{\\\"kind\\\":\\\"quadratic\\\",\\\"interval\\\":3,\\\"centerFraction\\\":0.4,\\\"power\\\":1.3}," +
            "\\\"nonDominantRefresh\\\":{\\\"kind\\\":\\\"uniform\\\",\\\"interval\\\":4},\\\"maxAge\\\":6,\\\"latePhaseStart\\\":0.55,\\\"decayDominantWeight\\\":false," +
            "\\\"useCache\\\":true,\\\"batchAdapters\\\":true,\\\"ordering\\\":{\\\"lowFrequencyThreshold\\\":0.05}}\", " +
            "LoRA order: \"Alice, garden night\", Timestep spacing: linspace, Version: CMLoRA 1.2.3";
        Assert.Equal(expected, Infotext.Format(RecipeSamples.TwoLoras()));
    }

    [Fact]
    public void BaseModelImageHasNoLoraKeysAndNoNegativeLineWhenEmpty()
    {
        var recipe = RecipeSamples.TwoLoras() with
        {
            Loras = [], ScheduleOrder = [], Method = CompositionMethod.None, Options = new NoLoraOptions(), NegativePrompt = "",
            Karras = false, ClipSkip = 1, Sampler = "euler_a", CfgScale = 7, Prompt = "a cat",
        };
        Assert.Equal(
            "a cat\nSteps: 25, Sampler: Euler a, Schedule type: Uniform, CFG scale: 7, Seed: 3141592653, Size: 512x768, " +
            "Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, RNG: CPU, Timestep spacing: linspace, Version: CMLoRA 1.2.3",
            Infotext.Format(recipe));
    }

    [Fact]
    public void OurInfotextParsesBackToTheSameValues()
    {
        var recipe = RecipeSamples.TwoLoras();
        var parsed = InfotextParser.Parse(Infotext.Format(recipe));
        Assert.Equal("a girl in a garden, (night:1.2) <lora:Alice:0.8> <lora:garden night:0.55>", parsed.Prompt);
        Assert.Equal("blurry, lowres", parsed.NegativePrompt);
        Assert.Equal("Alice: fedcba987654, garden night: aaaabbbbcc", parsed["Lora hashes"]);
        Assert.Equal([new("Alice", "fedcba987654"), new("garden night", "aaaabbbbcc")], parsed.LoraHashes());
        Assert.Equal(16, parsed.Parameters.Count);
        Assert.StartsWith("{\"method\":\"cmlora\"", parsed["Composition options"]);
    }

    private const string A1111Sample =
        "masterpiece, best quality, 1girl, <lora:add_detail:0.5>, <lora:koreanDollLikeness_v15:0.66>\n" +
        "smiling, looking at viewer\n" +
        "Negative prompt: (worst quality:2), (low quality:2), easynegative\n" +
        "Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1931430389, Size: 512x768, Model hash: 6ce0161689, " +
        "Model: v1-5-pruned-emaonly, Denoising strength: 0.45, Clip skip: 2, Hires upscale: 2, Hires steps: 15, " +
        "Hires upscaler: R-ESRGAN 4x+ Anime6B, Lora hashes: \"add_detail: 7c6bad76eb54, koreanDollLikeness_v15: 6b5f8e5c5f1a\", " +
        "TI hashes: \"easynegative: c74b4e810b03\", Version: v1.10.1";

    [Fact]
    public void ParsesAnA1111ImageWithHiresLorasAndEmbeddings()
    {
        var parsed = InfotextParser.Parse(A1111Sample);
        Assert.Equal("masterpiece, best quality, 1girl, <lora:add_detail:0.5>, <lora:koreanDollLikeness_v15:0.66>\nsmiling, looking at viewer", parsed.Prompt);
        Assert.Equal("(worst quality:2), (low quality:2), easynegative", parsed.NegativePrompt);
        Assert.Equal(
            ["Steps", "Sampler", "Schedule type", "CFG scale", "Seed", "Size", "Model hash", "Model", "Denoising strength", "Clip skip",
             "Hires upscale", "Hires steps", "Hires upscaler", "Lora hashes", "TI hashes", "Version"],
            parsed.Parameters.Select(p => p.Key));
        Assert.Equal("R-ESRGAN 4x+ Anime6B", parsed["hires upscaler"]);
        Assert.Equal("easynegative: c74b4e810b03", parsed["TI hashes"]);
        Assert.Equal("v1.10.1", parsed["Version"]);
    }

    [Fact]
    public void ParsesOldA1111WithoutNegativePromptWithCrLf()
    {
        var parsed = InfotextParser.Parse("a photo of a cat\r\nSteps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 42, Size: 512x512, Model hash: a9263745, ENSD: 31337\r\n");
        Assert.Equal("a photo of a cat", parsed.Prompt);
        Assert.Equal("", parsed.NegativePrompt);
        Assert.Equal(7, parsed.Parameters.Count);
        Assert.Equal("31337", parsed["ENSD"]);
    }

    [Fact]
    public void QuotedValuesMayHoldCommasColonsAndEscapedQuotes()
    {
        var parsed = InfotextParser.Parse(
            "p\nSteps: 20, Template: \"a \\\"quoted\\\", value: x\", Sampler: Euler, Broken: \"unterminated, CFG scale: 5");
        Assert.Equal("a \"quoted\", value: x", parsed["Template"]);
        Assert.Equal("Euler", parsed["Sampler"]);
        Assert.Equal("5", parsed["CFG scale"]);
        Assert.Equal("\"unterminated", parsed["Broken"]);
    }

    [Theory]
    [InlineData("just a prompt, with commas: and colons")]
    [InlineData("first line\nstyle: anime, lighting: soft")]
    public void TextWithoutAParameterLineIsAllPrompt(string text)
    {
        var parsed = InfotextParser.Parse(text);
        Assert.Equal(text, parsed.Prompt);
        Assert.Empty(parsed.Parameters);
    }

    [Fact]
    public void MultiLineNegativePromptIsKept()
    {
        var parsed = InfotextParser.Parse("p1\np2\nNegative prompt: n1\nn2\nSteps: 1, Seed: 2, Size: 8x8");
        Assert.Equal(("p1\np2", "n1\nn2"), (parsed.Prompt, parsed.NegativePrompt));
    }

    [Fact]
    public void OverlongTextIsRefused()
    {
        var e = Assert.Throws<RecipeFormatException>(() => InfotextParser.Parse(new string('a', InfotextParser.MaxLength + 1)));
        Assert.Equal($"The infotext is {InfotextParser.MaxLength + 1} characters long; at most {InfotextParser.MaxLength} are read.", e.Message);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a, b", "\"a, b\"")]
    [InlineData("k: v", "\"k: v\"")]
    [InlineData("line\nbreak", "\"line\\nbreak\"")]
    [InlineData("日本語, 猫", "\"日本語, 猫\"")]
    public void QuotesAsA1111Does(string value, string quoted)
    {
        Assert.Equal(quoted, Infotext.Quote(value));
        Assert.Equal(value, InfotextParser.Unquote(quoted));
    }
}

using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Tests.Support;

namespace CMLoRA.Engine.Tests.Models.Clip;

public class ClipTextConfigTests
{
    [Fact]
    public void StableDiffusion15DefaultEqualsTheFixtureConfig()
    {
        var parsed = ClipTextConfig.FromFile(Path.Combine(RepoPaths.Sd15Manifests, "text_encoder_config.json"));
        Assert.Equal(ClipTextConfig.StableDiffusion15, parsed);
    }

    [Fact]
    public void TinyConfigIsRead()
    {
        var config = ClipTextConfig.FromFile(Path.Combine(RepoPaths.TinyReference, "weights", "diffusers", "text_encoder", "config.json"));
        Assert.Equal(
            new ClipTextConfig
            {
                VocabSize = 1000, HiddenSize = 32, IntermediateSize = 37, NumHiddenLayers = 2, NumAttentionHeads = 4,
                MaxPositionEmbeddings = 77, HiddenAct = "quick_gelu", LayerNormEps = 1e-5, PadTokenId = 1, BosTokenId = 0, EosTokenId = 2,
            },
            config);
        Assert.Equal(8, config.HeadDim);
    }

    [Fact]
    public void MissingFieldsTakeTheTransformersDefaults()
    {
        var config = ClipTextConfig.FromJson("""{"hidden_size": 768, "num_attention_heads": 12}""");
        Assert.Equal((49408, 2048, 12, 49406L, 49407L), (config.VocabSize, config.IntermediateSize, config.NumHiddenLayers, config.BosTokenId, config.EosTokenId));
    }

    [Theory]
    [InlineData("""{"hidden_size": 30, "num_attention_heads": 4}""", "hidden_size 30 is not divisible by num_attention_heads 4")]
    [InlineData("""{"hidden_act": "relu"}""", "hidden_act 'relu' is not supported (quick_gelu or gelu)")]
    [InlineData("""{"hidden_size": """, "text encoder config is not valid JSON")]
    public void BadConfigsAreRefused(string json, string message)
    {
        var error = Assert.Throws<FormatException>(() => ClipTextConfig.FromJson(json));
        Assert.Contains(message, error.Message);
    }
}

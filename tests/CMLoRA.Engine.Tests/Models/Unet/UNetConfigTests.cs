using CMLoRA.Engine.Models;
using CMLoRA.Engine.Models.Unet;

namespace CMLoRA.Engine.Tests.Models.Unet;

public class UNetConfigTests
{
    private static string TinyConfigJson =>
        File.ReadAllText(Path.Combine(TinyUnetFixture.UnetFolder, "config.json"));

    private static string Replace(string json, string from, string to)
    {
        Assert.Contains(from, json);
        return json.Replace(from, to);
    }

    [Fact]
    public void TinyConfigReadsEveryFieldTheModelUses()
    {
        var config = UNetConfig.FromJson(TinyConfigJson);
        Assert.Equal(new[] { 32, 64, 64 }, config.BlockOutChannels);
        Assert.Equal(new[] { "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D" }, config.DownBlockTypes);
        Assert.Equal(new[] { "UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D" }, config.UpBlockTypes);
        Assert.Equal(new[] { 4, 4, 4 }, config.HeadsPerBlock);
        Assert.Equal(32, config.CrossAttentionDim.Values.Single());
        Assert.Equal(8, config.NormNumGroups);
        Assert.Equal(8, config.SampleSize);
        Assert.Equal(128, config.TimeEmbedDim);
        Assert.True(config.FlipSinToCos);
        Assert.False(config.UseLinearProjection);
    }

    [Fact]
    public void UnknownDownBlockTypeIsRefusedNamingTheField()
    {
        string json = Replace(TinyConfigJson, "\"DownBlock2D\"\n", "\"SimpleCrossAttnDownBlock2D\"\n");
        var error = Assert.Throws<ModelConfigException>(() => UNetConfig.FromJson(json));
        Assert.Equal("unet config: down_block_types[2] = \"SimpleCrossAttnDownBlock2D\" is not supported " +
            "(supported: CrossAttnDownBlock2D, DownBlock2D)", error.Message);
    }

    [Fact]
    public void UnknownUpBlockTypeIsRefusedNamingTheField()
    {
        string json = Replace(TinyConfigJson, "\"UpBlock2D\",", "\"AttnUpBlock2D\",");
        var error = Assert.Throws<ModelConfigException>(() => UNetConfig.FromJson(json));
        Assert.Equal("unet config: up_block_types[0] = \"AttnUpBlock2D\" is not supported " +
            "(supported: CrossAttnUpBlock2D, UpBlock2D)", error.Message);
    }

    [Fact]
    public void SdxlAdditionEmbeddingIsRefused()
    {
        string json = Replace(TinyConfigJson, "\"addition_embed_type\": null", "\"addition_embed_type\": \"text_time\"");
        var error = Assert.Throws<ModelConfigException>(() => UNetConfig.FromJson(json));
        Assert.Equal("unet config: addition_embed_type = \"text_time\" is not supported (SD 1.x/2.x UNets have none)",
            error.Message);
    }

    [Fact]
    public void PerBlockAttentionHeadsAreReadAsAList()
    {
        string json = Replace(TinyConfigJson, "\"attention_head_dim\": 4", "\"attention_head_dim\": [2, 4, 8]");
        var config = UNetConfig.FromJson(json);
        Assert.Equal(new[] { 2, 4, 8 }, config.HeadsPerBlock);
        Assert.NotEqual(UNetConfig.FromJson(TinyConfigJson), config);
    }

    [Fact]
    public void PerBlockListOfTheWrongLengthIsRefused()
    {
        string json = Replace(TinyConfigJson, "\"attention_head_dim\": 4", "\"attention_head_dim\": [4, 4]");
        var error = Assert.Throws<ModelConfigException>(() => UNetConfig.FromJson(json));
        Assert.Equal("unet config: attention_head_dim has 2 values but the model has 3 down blocks", error.Message);
    }

    [Fact]
    public void WrongJsonTypeNamesTheField()
    {
        string json = Replace(TinyConfigJson, "\"layers_per_block\": 2", "\"layers_per_block\": \"two\"");
        var error = Assert.Throws<ModelConfigException>(() => UNetConfig.FromJson(json));
        Assert.True(error.Message.StartsWith("unet config: field layers_per_block could not be read", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void UnknownKeysAreIgnored()
    {
        string json = Replace(TinyConfigJson, "\"act_fn\": \"silu\",", "\"act_fn\": \"silu\", \"some_future_key\": [1, {\"a\": 2}],");
        Assert.Equal(UNetConfig.FromJson(TinyConfigJson), UNetConfig.FromJson(json));
    }

    [Fact]
    public void HeadsThatDoNotDivideTheChannelsAreRefused()
    {
        string json = Replace(TinyConfigJson, "\"attention_head_dim\": 4", "\"attention_head_dim\": 5");
        var error = Assert.Throws<ModelConfigException>(() => UNetConfig.FromJson(json));
        Assert.Equal("unet config: attention_head_dim[0] = 5 heads do not divide block_out_channels[0] = 32", error.Message);
    }
}

using CMLoRA.Engine.Models;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Tests.Support;

namespace CMLoRA.Engine.Tests.Models.Vae;

public class VaeConfigTests
{
    private static string TinyConfigJson =>
        File.ReadAllText(Path.Combine(RepoPaths.TinyReference, "weights", "diffusers", "vae", "config.json"));

    [Fact]
    public void TinyConfigReadsEveryFieldTheModelUses()
    {
        var config = VaeConfig.FromJson(TinyConfigJson);
        Assert.Equal(new[] { 16, 32, 32, 32 }, config.BlockOutChannels);
        Assert.Equal(1, config.LayersPerBlock);
        Assert.Equal(8, config.NormNumGroups);
        Assert.Equal(4, config.LatentChannels);
        Assert.Equal(0.18215, config.ScalingFactor);
        Assert.True(config.ForceUpcast);
    }

    [Fact]
    public void UnknownUpBlockTypeIsRefusedNamingTheField()
    {
        string json = TinyConfigJson.Replace("\"UpDecoderBlock2D\"\n", "\"AttnUpDecoderBlock2D\"\n");
        var error = Assert.Throws<ModelConfigException>(() => VaeConfig.FromJson(json));
        Assert.Equal("vae config: up_block_types[3] = \"AttnUpDecoderBlock2D\" is not supported (supported: UpDecoderBlock2D)",
            error.Message);
    }
}

using System.Text.Json.Nodes;
using CMLoRA.Engine.Benchmarks;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Tests.Support;

namespace CMLoRA.Engine.Tests.Benchmarks;

public class SyntheticModelConfigTests
{
    [Fact]
    public void TinyEqualsTheFixtureConfig()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.TinyReference, "config.json")))!;
        var tiny = SyntheticModelConfig.Tiny;
        Assert.Equal(UNetConfig.FromJson(json["unet"]!.ToJsonString()), tiny.UNet);
        Assert.Equal(VaeConfig.FromJson(json["vae"]!.ToJsonString()), tiny.Vae);
        Assert.Equal(ClipTextConfig.FromJson(json["text_encoder"]!.ToJsonString()), tiny.TextEncoder);
    }

    [Fact]
    public void NamesResolveAndUnknownNamesAreRefused()
    {
        Assert.Same(SyntheticModelConfig.Small, SyntheticModelConfig.Named(" Small "));
        Assert.Same(SyntheticModelConfig.StableDiffusion15, SyntheticModelConfig.Named("sd15"));
        var error = Assert.Throws<ArgumentException>(() => SyntheticModelConfig.Named("xl"));
        Assert.Equal("unknown model config 'xl': use tiny, small, sd15", error.Message);
    }

    [Fact]
    public void SmallKeepsSd15TopologyAtAFifthOfTheWidth()
    {
        var small = SyntheticModelConfig.Small.UNet;
        var sd = UNetConfig.StableDiffusion15;
        Assert.Equal(sd.DownBlockTypes, small.DownBlockTypes);
        Assert.Equal(sd.UpBlockTypes, small.UpBlockTypes);
        Assert.Equal(new[] { 64, 128, 256, 256 }, small.BlockOutChannels);
        // Per pixel, about 1/25 of SD 1.5's UNet work.
        double ratio = FlopFormula.UNet(small, 1, 32, 32).Total / FlopFormula.UNet(sd, 1, 32, 32).Total;
        Assert.InRange(ratio, 1 / 30.0, 1 / 20.0);
    }
}

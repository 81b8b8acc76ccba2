using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Tests.Loading;

namespace CMLoRA.Engine.Tests.Models.Clip;

public class CLIPTextModelManifestTests
{
    [Fact]
    public void Sd15ParameterNamesAndShapesEqualTheTransformersStateDict()
    {
        var expected = Sd15Manifest.Shapes("text_encoder_diffusers.tsv");
        Assert.Equal(196, expected.Count);
        // The meta device allocates no memory: only names and shapes are needed.
        using var model = new CLIPTextModel(ClipTextConfig.StableDiffusion15, TorchSharp.torch.device("meta"));
        var actual = model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, shape) in expected)
            Assert.True(shape.SequenceEqual(actual[key]), $"{key}: {Sd15Manifest.Text(actual[key])} ≠ {Sd15Manifest.Text(shape)}");
        Assert.Equal(123_060_480L, model.parameters().Sum(p => p.numel()));
    }
}

using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Models.Blocks;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Tests.Loading;
using CMLoRA.Engine.Training;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Training;

public class LdmKeyWriterTests
{
    [Fact]
    public void ReproducesEveryRowOfTheSd15DiffusersToLdmMap()
    {
        var writer = new LdmKeyWriter(2, 4, [1, 2, 3]);
        var failures = new List<string>();
        foreach (var row in Sd15Manifest.Map())
        {
            (string key, bool toConv) = row.Component switch
            {
                "unet" => (writer.Unet(row.DiffusersKey), false),
                "vae" => writer.Vae(row.DiffusersKey),
                _ => (LdmKeyWriter.TextEncoder(row.DiffusersKey), false),
            };
            bool expectConv = row.LdmShape.Length == 4 && row.DiffusersShape.Length == 2;
            if (key != row.LdmKey || toConv != expectConv) failures.Add($"{row.DiffusersKey} → {key} ({toConv}), expected {row.LdmKey} ({expectConv})");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public void TheBuiltInModelsKeysMapBackThroughTheLoadersRules()
    {
        using var unet = new UNet2DConditionModel(BuiltInModelConfigs.Unet, LayerFactory.Meta);
        using var vae = new AutoencoderKL(BuiltInModelConfigs.Vae, LayerFactory.Meta);
        using var text = new CLIPTextModel(BuiltInModelConfigs.TextEncoder(700), device("meta"));
        var writer = new LdmKeyWriter(1, 3, [1, 2]);
        var written = new List<(string Ldm, string Diffusers, bool ToConv)>();
        written.AddRange(unet.state_dict().Keys.Select(k => (writer.Unet(k), k, false)));
        written.AddRange(vae.state_dict().Keys.Select(k => writer.Vae(k) is var (ldm, conv) ? (ldm, k, conv) : default));
        written.AddRange(text.state_dict().Keys.Select(k => (LdmKeyWriter.TextEncoder(k), k, false)));

        var mapper = LdmKeyMapper.InferFrom(written.Select(w => w.Ldm));
        Assert.Equal((1, 3), (mapper.UnetLayersPerBlock, mapper.VaeLevels));
        Assert.Equal(written.Count, written.Select(w => w.Ldm).Distinct().Count());
        foreach (var (ldm, diffusers, toConv) in written)
        {
            var mapping = mapper.Map(ldm);
            Assert.Equal(diffusers, mapping.DiffusersKey);
            Assert.Equal(toConv ? WeightReshape.Conv1x1ToLinear : WeightReshape.None, mapping.Reshape);
        }
    }

    [Fact]
    public void UnknownParametersAreRefusedWithTheirName()
    {
        var writer = new LdmKeyWriter(1, 3, [1, 2]);
        var error = Assert.Throws<InvalidOperationException>(() => writer.Unet("extra.weight"));
        Assert.Equal("no single-file (LDM) name for UNet parameter 'extra.weight'", error.Message);
    }
}

using CMLoRA.Engine.Models.Blocks;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Models;

/// <summary>
/// The full SD 1.5 UNet and VAE, built on the meta device (shapes without memory), have exactly diffusers'
/// state-dict keys and shapes (the manifests came from diffusers 0.27.2).
/// </summary>
public class Sd15ModuleTreeTests
{
    private static void AssertSameKeys(nn.Module model, string manifest, int expectedCount)
    {
        var expected = ManifestFile.Read(Path.Combine(RepoPaths.Sd15Manifests, manifest));
        Assert.Equal(expectedCount, expected.Count);
        var actual = model.state_dict().Select(kv => ManifestFile.Line(kv.Key, kv.Value.shape)).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Except(actual).Order().Take(10).ToList();
        var extra = actual.Except(expected).Order().Take(10).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"missing from model: {string.Join("; ", missing)}\nnot in manifest: {string.Join("; ", extra)}");
        Assert.Equal(expectedCount, actual.Count);
    }

    [Fact]
    public void UnetHasDiffusersKeysAndShapes()
    {
        using var unet = new UNet2DConditionModel(UNetConfig.StableDiffusion15, LayerFactory.Meta);
        AssertSameKeys(unet, "unet_diffusers.tsv", 686);
        Assert.Equal(859_520_964L, unet.parameters().Sum(p => p.numel()));
        Assert.All(unet.parameters(), p => Assert.Equal(DeviceType.META, p.device_type));
    }

    [Fact]
    public void VaeHasDiffusersKeysAndShapes()
    {
        using var vae = new AutoencoderKL(VaeConfig.StableDiffusion15, LayerFactory.Meta);
        AssertSameKeys(vae, "vae_diffusers.tsv", 248);
        Assert.Equal(83_653_863L, vae.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Sd15DefaultsEqualTheManifestConfigs()
    {
        Assert.Equal(UNetConfig.StableDiffusion15, UNetConfig.Load(Path.Combine(RepoPaths.Sd15Manifests, "unet_config.json")));
        Assert.Equal(VaeConfig.StableDiffusion15, VaeConfig.Load(Path.Combine(RepoPaths.Sd15Manifests, "vae_config.json")));
    }
}

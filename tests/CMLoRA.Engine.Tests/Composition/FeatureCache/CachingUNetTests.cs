using CMLoRA.Engine.Composition.FeatureCache;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Tests.Models.Unet;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Composition.FeatureCache;

public class CachingUNetTests(TinyUnetFixture fixture) : IClassFixture<TinyUnetFixture>
{
    private (Tensor Latents, Tensor Context) Inputs() =>
        (fixture.Inputs.ReadTensor("unet_latents"), fixture.Inputs.ReadTensor("unet_encoder_hidden_states"));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    public void CachedPathReproducesTheFullPathWhenRecordedFromTheSameInput(int block, int layer)
    {
        using var guard = no_grad();
        var (latents, context) = Inputs();
        using var _ = latents;
        using var __ = context;
        using var t = tensor(500f);
        var unet = new CachingUNet(fixture.Unet, new FeatureCachePoint(block, layer));

        using var full = unet.Forward(latents, t, context);
        var (recorded, feature) = unet.ForwardRecording(latents, t, context);
        using var ___ = recorded;
        using var ____ = feature;
        using var cached = unet.ForwardCached(latents, t, context, feature);

        Assert.Equal(0.0, (recorded - full).abs().max().item<float>());
        float diff = (cached - full).abs().max().item<float>();
        Assert.True(diff <= 1e-5f, $"cached vs full max abs diff {diff}");
    }

    [Fact]
    public void CachedPathWithAStaleFeatureDiffers()
    {
        using var guard = no_grad();
        var (latents, context) = Inputs();
        var unet = new CachingUNet(fixture.Unet);
        var (_, featureAt999) = unet.ForwardRecording(latents, tensor(999f), context);
        using var full = unet.Forward(latents, tensor(1f), context);
        using var cached = unet.ForwardCached(latents, tensor(1f), context, featureAt999);
        Assert.True((cached - full).abs().max().item<float>() > 1e-3f, "a feature from another timestep must change the result");
    }

    [Fact]
    public void DefaultPointResumesAtTheFirstLayerOfTheLastUpBlock()
    {
        var layout = FeatureCachePoint.Default.Resolve(fixture.Unet);
        Assert.Equal(new FeatureCacheLayout(LastDownBlock: 0, LastDownBlockLayers: 2, UpBlock: 2, UpFirstLayer: 0), layout);
        var afterDownsampler = new FeatureCachePoint(0, 2).Resolve(fixture.Unet);
        Assert.Equal(new FeatureCacheLayout(0, null, 1, 2), afterDownsampler);
    }

    [Fact]
    public void PointOutsideTheUNetIsRefused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FeatureCachePoint(0, 3).Resolve(fixture.Unet));
        Assert.Contains("down block 0 has 2 layers; use 0..2", error.Message);
    }

    [Fact]
    public void CacheSetEnforcesItsBoundAndFreesOnDispose()
    {
        using var set = new FeatureCacheSet(maxBytes: 1024);
        set.Store("a", zeros(16, 8)); // 512 bytes
        set.Store("a", zeros(16, 8)); // replaces, still 512
        Assert.Equal(512, set.BytesHeld);
        var error = Assert.Throws<InvalidOperationException>(() => set.Store("b", zeros(32, 8)));
        Assert.Contains("over its", error.Message);
        Assert.Throws<InvalidOperationException>(() => set.Get("missing"));
        set.Dispose();
        Assert.Equal(0, set.Count);
    }
}

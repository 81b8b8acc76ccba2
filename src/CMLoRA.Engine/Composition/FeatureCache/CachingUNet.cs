using CMLoRA.Engine.Models.Unet;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Composition.FeatureCache;

/// <summary>
/// Runs a UNet in the three modes of DeepCache-style feature caching (spec 4.2): a plain full forward, a full
/// forward that also returns the deep feature at the cache point, and a shallow forward that re-injects a
/// previously recorded deep feature instead of running the deep blocks.
/// </summary>
public sealed class CachingUNet
{
    private readonly FeatureCacheLayout _layout;

    public UNet2DConditionModel UNet { get; }
    public FeatureCachePoint Point { get; }

    public CachingUNet(UNet2DConditionModel unet, FeatureCachePoint? point = null)
    {
        UNet = unet;
        Point = point ?? FeatureCachePoint.Default;
        _layout = Point.Resolve(unet);
    }

    /// <summary>The plain full forward.</summary>
    public Tensor Forward(Tensor sample, Tensor timesteps, Tensor context) => UNet.call(sample, timesteps, context);

    /// <summary>Full forward that also returns (a copy of) the deep feature entering the resumed up layer.</summary>
    public (Tensor NoisePrediction, Tensor Feature) ForwardRecording(Tensor sample, Tensor timesteps, Tensor context)
    {
        using var scope = NewDisposeScope();
        Tensor? feature = null;
        var x = UNet.PrepareSample(sample);
        var temb = UNet.EmbedTime(timesteps, x.shape[0]);
        var skips = new List<Tensor>();
        var deepest = UNet.DownPath(x, temb, context, skips);
        var middle = UNet.MidBlock(deepest, temb, context);
        var shallow = UNet.UpPath(middle, skips, temb, context, onLayerInput: (block, layer, hidden) =>
        {
            if (block == _layout.UpBlock && layer == _layout.UpFirstLayer) feature = hidden.detach().clone();
        });
        var prediction = UNet.OutputHead(shallow);
        if (feature is null) throw new InvalidOperationException("the cache point was never reached");
        return (prediction.MoveToOuterDisposeScope(), feature.MoveToOuterDisposeScope());
    }

    /// <summary>Shallow forward: conv_in and the down layers above the cut, then the cached feature through the last up layers.</summary>
    public Tensor ForwardCached(Tensor sample, Tensor timesteps, Tensor context, Tensor feature)
    {
        using var scope = NewDisposeScope();
        var x = UNet.PrepareSample(sample);
        var temb = UNet.EmbedTime(timesteps, x.shape[0]);
        var skips = new List<Tensor>();
        UNet.DownPath(x, temb, context, skips, _layout.LastDownBlock, _layout.LastDownBlockLayers);
        if (feature.shape[0] != x.shape[0])
            throw new ArgumentException($"cached feature has batch {feature.shape[0]}, the sample has {x.shape[0]}", nameof(feature));
        var shallow = UNet.UpPath(feature, skips, temb, context, _layout.UpBlock, _layout.UpFirstLayer);
        return UNet.OutputHead(shallow).MoveToOuterDisposeScope();
    }
}

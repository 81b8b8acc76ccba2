using CMLoRA.Engine.Models.Unet;

namespace CMLoRA.Engine.Composition.FeatureCache;

/// <summary>
/// Where the deep feature is cut (spec 4.2): after layer <see cref="Layer"/> of down block <see cref="DownBlock"/>.
/// The default (0, 1) is the reference's configuration: the cached step runs conv_in, the two layers of down
/// block 0 (without its downsampler) and the last up block, re-injecting the input of that up block's first resnet.
/// </summary>
public sealed record FeatureCachePoint(int DownBlock = 0, int Layer = 1)
{
    public static FeatureCachePoint Default { get; } = new();

    /// <summary>Maps the point onto a concrete UNet: which down layers the shallow path runs and where the up path resumes.</summary>
    public FeatureCacheLayout Resolve(UNet2DConditionModel unet)
    {
        var down = unet.DownBlocks;
        var up = unet.UpBlocks;
        if (DownBlock < 0 || DownBlock >= down.Count)
            throw new ArgumentOutOfRangeException(nameof(DownBlock), $"the UNet has {down.Count} down blocks");
        int layers = down[DownBlock].LayerCount;
        if (Layer < 0 || Layer > layers)
            throw new ArgumentOutOfRangeException(nameof(Layer), $"down block {DownBlock} has {layers} layers; use 0..{layers}");

        // Layer == layers means "after the downsampler": the cut moves to the start of the next block.
        bool afterDownsampler = Layer == layers;
        if (afterDownsampler && !down[DownBlock].HasDownsampler)
            throw new ArgumentOutOfRangeException(nameof(Layer), $"down block {DownBlock} has no downsampler to cut after");
        int resumedBlock = afterDownsampler ? DownBlock + 1 : DownBlock;
        int skipsConsumed = afterDownsampler ? 1 : Layer + 2; // skips the resumed up layers still need: b' + 1
        int upBlock = up.Count - 1 - resumedBlock;
        int upLayers = up[upBlock].LayerCount;
        if (skipsConsumed > upLayers)
            throw new ArgumentOutOfRangeException(nameof(Layer), $"up block {upBlock} has only {upLayers} layers");
        return new FeatureCacheLayout(
            LastDownBlock: DownBlock,
            LastDownBlockLayers: afterDownsampler ? null : Layer + 1,
            UpBlock: upBlock,
            UpFirstLayer: upLayers - skipsConsumed);
    }
}

/// <summary>A <see cref="FeatureCachePoint"/> resolved against one UNet.</summary>
/// <param name="LastDownBlock">The deepest down block the shallow path enters.</param>
/// <param name="LastDownBlockLayers">Layers of that block to run (no downsampler), or null to run it whole.</param>
/// <param name="UpBlock">The up block whose layer <paramref name="UpFirstLayer"/> receives the cached feature.</param>
/// <param name="UpFirstLayer">The first up layer the shallow path runs.</param>
public sealed record FeatureCacheLayout(int LastDownBlock, int? LastDownBlockLayers, int UpBlock, int UpFirstLayer);

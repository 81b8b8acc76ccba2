using CMLoRA.Engine.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Unet;

/// <summary>
/// One up block of the UNet: diffusers' <c>CrossAttnUpBlock2D</c> or <c>UpBlock2D</c>. Each layer concatenates
/// the hidden state with the most recent skip tensor, runs a resnet (and a transformer), and an optional
/// <c>upsamplers.0</c> follows.
/// </summary>
public sealed class UNetUpBlock : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Transformer2DModel> attentions;
    private readonly ModuleList<Upsample2D> upsamplers;

    /// <summary>The diffusers block type this block was built as.</summary>
    public string BlockType { get; }

    /// <summary>Number of (resnet, attention) layers; each consumes one skip tensor.</summary>
    public int LayerCount => resnets.Count;

    public bool HasAttention => attentions.Count > 0;

    public bool HasUpsampler => upsamplers.Count > 0;

    internal UNetUpBlock(string blockType, long inChannels, long prevOutputChannels, long outChannels,
        long tembChannels, int layers, bool addUpsample, TransformerSettings? transformer, UNetConfig config,
        LayerFactory factory) : base(nameof(UNetUpBlock))
    {
        BlockType = blockType;
        long groups = config.NormNumGroups!.Value;
        resnets = new ModuleList<ResnetBlock2D>();
        attentions = new ModuleList<Transformer2DModel>();
        upsamplers = new ModuleList<Upsample2D>();
        for (int i = 0; i < layers; i++)
        {
            // The last layer's skip comes from the previous (shallower) down block, hence its channel count.
            long skipChannels = i == layers - 1 ? inChannels : outChannels;
            long resnetIn = i == 0 ? prevOutputChannels : outChannels;
            resnets.Add(new ResnetBlock2D(resnetIn + skipChannels, outChannels, tembChannels, groups, config.NormEps,
                1.0, factory));
            if (transformer is { } t) attentions.Add(t.Build(outChannels, factory));
        }
        if (addUpsample) upsamplers.Add(new Upsample2D(outChannels, factory));
        RegisterComponents();
    }

    /// <summary>
    /// Runs layers <paramref name="firstLayer"/>… of the block, popping one tensor from the end of
    /// <paramref name="skips"/> per layer, then the upsampler (to <paramref name="upsampleSize"/> when given).
    /// <paramref name="onLayerInput"/> sees the hidden state entering each layer's resnet before concatenation
    /// (the deep feature of feature caching); it is disposed later, so keep an <c>alias()</c> to hold it.
    /// Returns a fresh tensor; neither <paramref name="hidden"/> nor the skips are disposed.
    /// </summary>
    public Tensor Forward(Tensor hidden, List<Tensor> skips, Tensor temb, Tensor? context, long[]? upsampleSize = null,
        int firstLayer = 0, Action<int, Tensor>? onLayerInput = null)
    {
        if (firstLayer < 0 || firstLayer > LayerCount)
            throw new ArgumentOutOfRangeException(nameof(firstLayer), $"this block has {LayerCount} layers");
        if (skips.Count < LayerCount - firstLayer)
            throw new ArgumentException($"{LayerCount - firstLayer} skip tensors are needed, {skips.Count} are left", nameof(skips));
        Tensor h = hidden;
        bool owned = false;
        for (int i = firstLayer; i < LayerCount; i++)
        {
            onLayerInput?.Invoke(i, h);
            Tensor skip = skips[^1];
            skips.RemoveAt(skips.Count - 1);
            Tensor next;
            using (var joined = cat([h, skip], 1))
                next = resnets[i].call(joined, temb);
            if (owned) h.Dispose();
            h = next;
            owned = true;
            if (HasAttention)
            {
                next = attentions[i].call(h, context);
                h.Dispose();
                h = next;
            }
        }
        if (HasUpsampler)
        {
            var next = upsamplers[0].call(h, upsampleSize);
            if (owned) h.Dispose();
            return next;
        }
        return owned ? h : h.alias();
    }
}

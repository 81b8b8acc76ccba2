using CMLoRA.Engine.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Unet;

/// <summary>
/// One down block of the UNet: diffusers' <c>CrossAttnDownBlock2D</c> (resnet then transformer per layer) or
/// <c>DownBlock2D</c> (resnets only), with an optional stride-2 <c>downsamplers.0</c>.
/// Every layer's output (and the downsampler's) is a skip connection for the up path.
/// </summary>
public sealed class UNetDownBlock : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Transformer2DModel> attentions;
    private readonly ModuleList<Downsample2D> downsamplers;

    /// <summary>The diffusers block type this block was built as.</summary>
    public string BlockType { get; }

    /// <summary>Number of (resnet, attention) layers; each adds one skip tensor.</summary>
    public int LayerCount => resnets.Count;

    public bool HasAttention => attentions.Count > 0;

    public bool HasDownsampler => downsamplers.Count > 0;

    internal UNetDownBlock(string blockType, long inChannels, long outChannels, long tembChannels, int layers,
        bool addDownsample, TransformerSettings? transformer, UNetConfig config, LayerFactory factory)
        : base(nameof(UNetDownBlock))
    {
        BlockType = blockType;
        long groups = config.NormNumGroups!.Value;
        resnets = new ModuleList<ResnetBlock2D>();
        attentions = new ModuleList<Transformer2DModel>();
        downsamplers = new ModuleList<Downsample2D>();
        for (int i = 0; i < layers; i++)
        {
            resnets.Add(new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, tembChannels, groups,
                config.NormEps, 1.0, factory));
            if (transformer is { } t) attentions.Add(t.Build(outChannels, factory));
        }
        if (addDownsample) downsamplers.Add(new Downsample2D(outChannels, config.DownsamplePadding, factory));
        RegisterComponents();
    }

    /// <summary>
    /// Runs the block and appends each layer's output (then the downsampler's) to <paramref name="skips"/>.
    /// With <paramref name="layerCount"/> set, stops after that many layers and skips the downsampler
    /// (the shallow path of feature caching). Returns the last tensor appended; nothing is disposed.
    /// </summary>
    public Tensor Forward(Tensor hidden, Tensor temb, Tensor? context, List<Tensor> skips, int? layerCount = null)
    {
        int layers = layerCount ?? LayerCount;
        if (layers < 1 || layers > LayerCount)
            throw new ArgumentOutOfRangeException(nameof(layerCount), $"this block has {LayerCount} layers");
        Tensor h = hidden;
        for (int i = 0; i < layers; i++)
        {
            Tensor next = resnets[i].call(h, temb);
            if (HasAttention)
            {
                using var resnetOut = next;
                next = attentions[i].call(resnetOut, context);
            }
            skips.Add(next);
            h = next;
        }
        if (layerCount is null && HasDownsampler)
        {
            h = downsamplers[0].call(h);
            skips.Add(h);
        }
        return h;
    }
}

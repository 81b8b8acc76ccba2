using CMLoRA.Engine.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Vae;

/// <summary>diffusers' <c>DownEncoderBlock2D</c>: resnets without time embedding, then an optional asymmetric-pad downsampler.</summary>
public sealed class DownEncoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Downsample2D> downsamplers;

    public DownEncoderBlock2D(long inChannels, long outChannels, int layers, bool addDownsample, long groups,
        LayerFactory factory) : base(nameof(DownEncoderBlock2D))
    {
        resnets = new ModuleList<ResnetBlock2D>();
        for (int i = 0; i < layers; i++)
            resnets.Add(new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, null, groups, 1e-6, 1.0, factory));
        downsamplers = new ModuleList<Downsample2D>();
        if (addDownsample) downsamplers.Add(new Downsample2D(outChannels, padding: 0, factory));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        Tensor h = resnets[0].call(input, null);
        for (int i = 1; i < resnets.Count; i++)
            using (var previous = h) h = resnets[i].call(previous, null);
        if (downsamplers.Count > 0)
            using (var previous = h) h = downsamplers[0].call(previous);
        return h;
    }
}

using CMLoRA.Engine.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Vae;

/// <summary>diffusers' <c>UpDecoderBlock2D</c>: resnets without time embedding or skips, then an optional ×2 upsampler.</summary>
public sealed class UpDecoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Upsample2D> upsamplers;

    public UpDecoderBlock2D(long inChannels, long outChannels, int layers, bool addUpsample, long groups,
        LayerFactory factory) : base(nameof(UpDecoderBlock2D))
    {
        resnets = new ModuleList<ResnetBlock2D>();
        for (int i = 0; i < layers; i++)
            resnets.Add(new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, null, groups, 1e-6, 1.0, factory));
        upsamplers = new ModuleList<Upsample2D>();
        if (addUpsample) upsamplers.Add(new Upsample2D(outChannels, factory));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        Tensor h = resnets[0].call(input, null);
        for (int i = 1; i < resnets.Count; i++)
            using (var previous = h) h = resnets[i].call(previous, null);
        if (upsamplers.Count > 0)
            using (var previous = h) h = upsamplers[0].call(previous, null);
        return h;
    }
}

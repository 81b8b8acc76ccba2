using CMLoRA.Engine.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Unet;

/// <summary>diffusers' <c>UNetMidBlock2DCrossAttn</c>: <c>resnets.0</c>, then (attention, resnet) pairs.</summary>
public sealed class UNetMidBlock2DCrossAttn : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    private readonly ModuleList<Transformer2DModel> attentions;
    private readonly ModuleList<ResnetBlock2D> resnets;

    internal UNetMidBlock2DCrossAttn(long channels, long tembChannels, TransformerSettings transformer,
        UNetConfig config, LayerFactory factory, int layers = 1) : base(nameof(UNetMidBlock2DCrossAttn))
    {
        long groups = config.NormNumGroups!.Value;
        resnets = new ModuleList<ResnetBlock2D>(
            new ResnetBlock2D(channels, channels, tembChannels, groups, config.NormEps, config.MidBlockScaleFactor, factory));
        attentions = new ModuleList<Transformer2DModel>();
        for (int i = 0; i < layers; i++)
        {
            attentions.Add(transformer.Build(channels, factory));
            resnets.Add(new ResnetBlock2D(channels, channels, tembChannels, groups, config.NormEps,
                config.MidBlockScaleFactor, factory));
        }
        RegisterComponents();
    }

    /// <param name="hidden">the deepest down-block output; not disposed.</param>
    public override Tensor forward(Tensor hidden, Tensor temb, Tensor? context)
    {
        Tensor h = resnets[0].call(hidden, temb);
        for (int i = 0; i < attentions.Count; i++)
        {
            using (var resnetOut = h) h = attentions[i].call(resnetOut, context);
            using (var attended = h) h = resnets[i + 1].call(attended, temb);
        }
        return h;
    }
}

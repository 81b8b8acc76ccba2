using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Blocks;

/// <summary>
/// diffusers' <c>FeedForward</c> with the GEGLU activation: <c>net.0</c> = GEGLU (its <c>proj</c>), <c>net.1</c> = the
/// dropout slot (identity at inference), <c>net.2</c> = the output Linear. Hidden width is 4 × the model width.
/// </summary>
public sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> net;

    public FeedForward(long dim, LayerFactory layers, long multiplier = 4) : base(nameof(FeedForward))
    {
        long inner = dim * multiplier;
        net = new ModuleList<nn.Module<Tensor, Tensor>>(new GEGLU(dim, inner, layers), nn.Identity(), layers.Linear(inner, dim));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var hidden = net[0].call(input);
        return net[2].call(hidden);
    }
}

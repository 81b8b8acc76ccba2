using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Blocks;

/// <summary>diffusers' <c>TimestepEmbedding</c> (<c>time_embedding</c>): <c>linear_1</c> → SiLU → <c>linear_2</c>.</summary>
public sealed class TimestepEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear_1;
    private readonly Linear linear_2;

    public TimestepEmbedding(long inChannels, long embedDim, LayerFactory layers) : base(nameof(TimestepEmbedding))
    {
        linear_1 = layers.Linear(inChannels, embedDim);
        linear_2 = layers.Linear(embedDim, embedDim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var hidden = linear_1.call(input);
        hidden.silu_();
        return linear_2.call(hidden);
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Blocks;

/// <summary>diffusers' <c>GEGLU</c>: one <c>proj</c> Linear to twice the width, split into value and gate, value · GELU(gate).</summary>
public sealed class GEGLU : nn.Module<Tensor, Tensor>
{
    private readonly Linear proj;

    public GEGLU(long inFeatures, long outFeatures, LayerFactory layers) : base(nameof(GEGLU))
    {
        proj = layers.Linear(inFeatures, outFeatures * 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var projected = proj.call(input);
        var halves = projected.chunk(2, -1);
        using var value = halves[0];
        using var gate = halves[1];
        using var activated = nn.functional.gelu(gate);
        return value.mul(activated);
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CMLoRA.Engine.Models.Clip;

/// <summary>The feed-forward block of a CLIP text layer: fc1 → activation → fc2 (transformers <c>CLIPMLP</c>).</summary>
public sealed class CLIPMLP : Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly bool _quickGelu;

    public CLIPMLP(ClipTextConfig config, Device? device = null) : base(nameof(CLIPMLP))
    {
        fc1 = Linear(config.HiddenSize, config.IntermediateSize, hasBias: true, device: device);
        fc2 = Linear(config.IntermediateSize, config.HiddenSize, hasBias: true, device: device);
        _quickGelu = config.HiddenAct == "quick_gelu";
        RegisterComponents();
    }

    public override Tensor forward(Tensor hiddenStates)
    {
        using var hidden = fc1.call(hiddenStates);
        using var activated = _quickGelu ? QuickGelu(hidden) : functional.gelu(hidden);
        return fc2.call(activated);
    }

    /// <summary>x·σ(1.702·x), the GELU approximation the original CLIP was trained with.</summary>
    private static Tensor QuickGelu(Tensor x)
    {
        // An explicit Scalar that lives until the call returns: an implicit temporary can be finalized by a GC on
        // another thread while libtorch still reads it (seen as NaN weights when training under GC pressure).
        using Scalar factor = 1.702.ToScalar();
        using var scaled = x.mul(factor);
        using var gate = scaled.sigmoid();
        return x.mul(gate);
    }
}

using CMLoRA.Engine.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CMLoRA.Engine.Models.Clip;

/// <summary>One pre-norm transformer layer of the CLIP text encoder (transformers <c>CLIPEncoderLayer</c>).</summary>
public sealed class CLIPEncoderLayer : Module<Tensor, Tensor>
{
    private readonly CLIPAttention self_attn;
    private readonly LayerNorm layer_norm1;
    private readonly CLIPMLP mlp;
    private readonly LayerNorm layer_norm2;

    public CLIPEncoderLayer(ClipTextConfig config, Device? device = null) : base(nameof(CLIPEncoderLayer))
    {
        self_attn = new CLIPAttention(config, device);
        layer_norm1 = LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        mlp = new CLIPMLP(config, device);
        layer_norm2 = LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hiddenStates)
    {
        using var normed1 = layer_norm1.call(hiddenStates);
        using var attended = self_attn.call(normed1);
        using var afterAttention = hiddenStates.add(attended, Scalars.One);
        using var normed2 = layer_norm2.call(afterAttention);
        using var fed = mlp.call(normed2);
        return afterAttention.add(fed, Scalars.One);
    }
}

using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CMLoRA.Engine.Models.Clip;

/// <summary>Causal multi-head self-attention of a CLIP text layer (transformers <c>CLIPAttention</c>).</summary>
public sealed class CLIPAttention : Module<Tensor, Tensor>
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear out_proj;
    private readonly long _heads;
    private readonly long _headDim;

    public CLIPAttention(ClipTextConfig config, Device? device = null) : base(nameof(CLIPAttention))
    {
        _heads = config.NumAttentionHeads;
        _headDim = config.HeadDim;
        q_proj = Linear(config.HiddenSize, config.HiddenSize, hasBias: true, device: device);
        k_proj = Linear(config.HiddenSize, config.HiddenSize, hasBias: true, device: device);
        v_proj = Linear(config.HiddenSize, config.HiddenSize, hasBias: true, device: device);
        out_proj = Linear(config.HiddenSize, config.HiddenSize, hasBias: true, device: device);
        RegisterComponents();
    }

    /// <summary>[B, S, H] → [B, S, H]. Each token attends to itself and earlier tokens only.</summary>
    public override Tensor forward(Tensor hiddenStates)
    {
        long batch = hiddenStates.shape[0], seq = hiddenStates.shape[1];
        using var q = SplitHeads(q_proj.call(hiddenStates), batch, seq);
        using var k = SplitHeads(k_proj.call(hiddenStates), batch, seq);
        using var v = SplitHeads(v_proj.call(hiddenStates), batch, seq);
        // TorchSharp spells the flag is_casual. transformers 4.38 scales q, adds a finfo.min upper-triangular mask and softmaxes; SDPA with is_causal
        // computes the same softmax(q·kᵀ/√d) over the allowed positions.
        using var attended = functional.scaled_dot_product_attention(q, k, v, is_casual: true);
        using var merged = attended.transpose(1, 2).reshape(batch, seq, _heads * _headDim);
        return out_proj.call(merged);
    }

    private Tensor SplitHeads(Tensor projected, long batch, long seq)
    {
        using (projected)
            return projected.view(batch, seq, _heads, _headDim).transpose(1, 2);
    }
}

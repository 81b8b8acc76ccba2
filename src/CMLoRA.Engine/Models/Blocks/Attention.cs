using CMLoRA.Engine.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Blocks;

/// <summary>
/// diffusers' <c>Attention</c> with the scaled-dot-product processor: <c>to_q</c>, <c>to_k</c>, <c>to_v</c> and
/// <c>to_out.0</c> are plain <see cref="Linear"/> layers (the LoRA seam: hooks or replacement by dotted path).
/// Token inputs [B, N, C] are used by the UNet transformers (self-attention when the context is null). Spatial
/// inputs [B, C, H, W] are used by the VAE mid block: <c>group_norm</c> first, and the input added back at the end.
/// </summary>
public sealed class Attention : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly GroupNorm? group_norm;
    private readonly Linear to_q;
    private readonly Linear to_k;
    private readonly Linear to_v;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> to_out;
    private readonly long _heads;
    private readonly long _headDim;
    private readonly bool _upcast;

    /// <param name="queryDim">channels of the attended hidden states.</param>
    /// <param name="contextDim">channels of the context (cross-attention), or null for self-attention.</param>
    /// <param name="heads">number of heads; <paramref name="headDim"/> is each head's width.</param>
    /// <param name="qkvBias">true in the VAE; the UNet's q/k/v have no bias.</param>
    /// <param name="groupNormGroups">groups of the VAE's input GroupNorm; null for none.</param>
    /// <param name="upcast">compute attention in float32 when the weights are half precision (<c>upcast_attention</c>).</param>
    public Attention(long queryDim, long? contextDim, long heads, long headDim, bool qkvBias, LayerFactory layers,
        long? groupNormGroups = null, double groupNormEps = 1e-6, bool upcast = false) : base(nameof(Attention))
    {
        long inner = heads * headDim;
        long kvDim = contextDim ?? queryDim;
        if (groupNormGroups is { } groups) group_norm = layers.GroupNorm(groups, queryDim, groupNormEps);
        to_q = layers.Linear(queryDim, inner, qkvBias);
        to_k = layers.Linear(kvDim, inner, qkvBias);
        to_v = layers.Linear(kvDim, inner, qkvBias);
        // Index 1 is diffusers' dropout slot; it holds no parameters and is an identity at inference.
        to_out = new ModuleList<nn.Module<Tensor, Tensor>>(layers.Linear(inner, queryDim), nn.Identity());
        _heads = heads;
        _headDim = headDim;
        _upcast = upcast;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor? context)
    {
        if (hidden.dim() == 4) return SpatialForward(hidden);
        return Attend(hidden, context ?? hidden);
    }

    private Tensor SpatialForward(Tensor input)
    {
        long b = input.shape[0], c = input.shape[1], h = input.shape[2], w = input.shape[3];
        using var flat = input.view(b, c, h * w);
        using var normed = group_norm is null ? flat.alias() : group_norm.call(flat);
        using var tokens = normed.transpose(1, 2);
        using var attended = Attend(tokens, tokens);
        using var back = attended.transpose(1, 2).reshape(b, c, h, w);
        return back.add(input, Scalars.One);
    }

    private Tensor Attend(Tensor tokens, Tensor context)
    {
        long b = tokens.shape[0];
        using var q = to_q.call(tokens);
        using var k = to_k.call(context);
        using var v = to_v.call(context);
        using var qh = SplitHeads(q, b);
        using var kh = SplitHeads(k, b);
        using var vh = SplitHeads(v, b);
        using var attended = _upcast && qh.dtype is ScalarType.Float16 or ScalarType.BFloat16
            ? UpcastAttention(qh, kh, vh)
            : nn.functional.scaled_dot_product_attention(qh, kh, vh);
        using var merged = attended.transpose(1, 2).reshape(b, -1, _heads * _headDim);
        return to_out[0].call(merged);
    }

    private Tensor SplitHeads(Tensor x, long batch) => x.view(batch, -1, _heads, _headDim).transpose(1, 2);

    private static Tensor UpcastAttention(Tensor q, Tensor k, Tensor v)
    {
        using var q32 = q.to_type(ScalarType.Float32);
        using var k32 = k.to_type(ScalarType.Float32);
        using var v32 = v.to_type(ScalarType.Float32);
        using var result = nn.functional.scaled_dot_product_attention(q32, k32, v32);
        return result.to_type(q.dtype);
    }
}

using CMLoRA.Engine.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Blocks;

/// <summary>
/// diffusers' <c>BasicTransformerBlock</c> with layer norms: self-attention (<c>attn1</c>), cross-attention on the
/// text context (<c>attn2</c>) and a GEGLU feed-forward (<c>ff</c>), each pre-normed and added back.
/// </summary>
public sealed class BasicTransformerBlock : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly Attention attn1;
    private readonly LayerNorm norm2;
    private readonly Attention attn2;
    private readonly LayerNorm norm3;
    private readonly FeedForward ff;
    private readonly bool _onlyCrossAttention;

    /// <param name="onlyCrossAttention">diffusers' <c>only_cross_attention</c>: <c>attn1</c> also attends to the context.</param>
    public BasicTransformerBlock(long dim, long heads, long headDim, long contextDim, bool onlyCrossAttention,
        bool upcastAttention, LayerFactory layers, double normEps = 1e-5) : base(nameof(BasicTransformerBlock))
    {
        norm1 = layers.LayerNorm(dim, normEps);
        attn1 = new Attention(dim, onlyCrossAttention ? contextDim : null, heads, headDim, qkvBias: false, layers,
            upcast: upcastAttention);
        norm2 = layers.LayerNorm(dim, normEps);
        attn2 = new Attention(dim, contextDim, heads, headDim, qkvBias: false, layers, upcast: upcastAttention);
        norm3 = layers.LayerNorm(dim, normEps);
        ff = new FeedForward(dim, layers);
        _onlyCrossAttention = onlyCrossAttention;
        RegisterComponents();
    }

    /// <param name="tokens">[B, N, dim]; not disposed.</param>
    /// <param name="context">text embeddings [B, L, contextDim].</param>
    public override Tensor forward(Tensor tokens, Tensor? context)
    {
        using var n1 = norm1.call(tokens);
        using var a1 = attn1.call(n1, _onlyCrossAttention ? context : null);
        using var h1 = a1.add(tokens, Scalars.One);
        using var n2 = norm2.call(h1);
        using var a2 = attn2.call(n2, context);
        using var h2 = a2.add(h1, Scalars.One);
        using var n3 = norm3.call(h2);
        using var f = ff.call(n3);
        return f.add(h2, Scalars.One);
    }
}

using CMLoRA.Engine.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Blocks;

/// <summary>
/// diffusers' <c>Transformer2DModel</c> for continuous inputs: GroupNorm (eps 1e-6), <c>proj_in</c>, a stack of
/// <see cref="BasicTransformerBlock"/>s over the H·W tokens, <c>proj_out</c>, plus the input. The projections are
/// 1×1 <see cref="Conv2d"/> (SD 1.x) or <see cref="Linear"/> when <c>use_linear_projection</c> is set (SD 2.x).
/// </summary>
public sealed class Transformer2DModel : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly GroupNorm norm;
    private readonly nn.Module<Tensor, Tensor> proj_in;
    private readonly ModuleList<BasicTransformerBlock> transformer_blocks;
    private readonly nn.Module<Tensor, Tensor> proj_out;
    private readonly bool _linearProjection;
    private readonly long _inner;

    public Transformer2DModel(long channels, long heads, long contextDim, int layerCount, long groups,
        bool useLinearProjection, bool onlyCrossAttention, bool upcastAttention, LayerFactory layers)
        : base(nameof(Transformer2DModel))
    {
        long headDim = channels / heads;
        _inner = heads * headDim;
        _linearProjection = useLinearProjection;
        norm = layers.GroupNorm(groups, channels, 1e-6);
        proj_in = useLinearProjection ? layers.Linear(channels, _inner) : layers.Conv2d(channels, _inner, 1);
        transformer_blocks = new ModuleList<BasicTransformerBlock>();
        for (int i = 0; i < layerCount; i++)
            transformer_blocks.Add(new BasicTransformerBlock(_inner, heads, headDim, contextDim, onlyCrossAttention,
                upcastAttention, layers));
        proj_out = useLinearProjection ? layers.Linear(_inner, channels) : layers.Conv2d(_inner, channels, 1);
        RegisterComponents();
    }

    /// <param name="input">[B, C, H, W]; not disposed.</param>
    /// <param name="context">text embeddings [B, L, D].</param>
    public override Tensor forward(Tensor input, Tensor? context)
    {
        long b = input.shape[0], c = input.shape[1], h = input.shape[2], w = input.shape[3];
        using var normed = norm.call(input);
        Tensor tokens;
        if (_linearProjection)
        {
            using var flat = normed.permute(0, 2, 3, 1).reshape(b, h * w, c);
            tokens = proj_in.call(flat);
        }
        else
        {
            using var projected = proj_in.call(normed);
            tokens = projected.permute(0, 2, 3, 1).reshape(b, h * w, _inner);
        }
        foreach (var block in transformer_blocks)
        {
            var next = block.call(tokens, context);
            tokens.Dispose();
            tokens = next;
        }
        Tensor output;
        if (_linearProjection)
        {
            using var projected = proj_out.call(tokens);
            tokens.Dispose();
            output = projected.reshape(b, h, w, c).permute(0, 3, 1, 2).contiguous();
        }
        else
        {
            using var spatial = tokens.reshape(b, h, w, _inner).permute(0, 3, 1, 2).contiguous();
            tokens.Dispose();
            output = proj_out.call(spatial);
        }
        using (output) return output.add(input, Scalars.One);
    }
}

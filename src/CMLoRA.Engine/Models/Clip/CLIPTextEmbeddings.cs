using CMLoRA.Engine.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CMLoRA.Engine.Models.Clip;

/// <summary>Token embedding plus learned absolute position embedding (transformers <c>CLIPTextEmbeddings</c>).</summary>
/// <remarks>
/// transformers keeps <c>position_ids</c> as a non-persistent buffer; here the positions are made in <see cref="forward"/>,
/// so the state dict holds exactly the two embedding weights.
/// </remarks>
public sealed class CLIPTextEmbeddings : Module<Tensor, Tensor>
{
    private readonly Embedding token_embedding;
    private readonly Embedding position_embedding;
    private readonly long _maxPositions;

    public CLIPTextEmbeddings(ClipTextConfig config, Device? device = null) : base(nameof(CLIPTextEmbeddings))
    {
        token_embedding = Embedding(config.VocabSize, config.HiddenSize, device: device);
        position_embedding = Embedding(config.MaxPositionEmbeddings, config.HiddenSize, device: device);
        _maxPositions = config.MaxPositionEmbeddings;
        RegisterComponents();
    }

    /// <summary>[B, S] int64 ids → [B, S, H].</summary>
    public override Tensor forward(Tensor inputIds)
    {
        long seq = inputIds.shape[^1];
        if (seq > _maxPositions)
            throw new ArgumentException($"sequence length {seq} exceeds max_position_embeddings {_maxPositions}", nameof(inputIds));
        using var positions = ScalarSafeOps.Arange(0, seq, ScalarType.Int64, inputIds.device);
        using var tokens = token_embedding.call(inputIds);
        using var placed = position_embedding.call(positions);
        return tokens.add(placed, Scalars.One);
    }
}

using CMLoRA.Engine.Models.Clip;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Models.Clip;

/// <summary>The end-of-text position rules of transformers 4.38 (legacy eos_token_id 2 versus a configured id).</summary>
public class CLIPTextModelPoolingTests
{
    private static readonly ClipTextConfig Small = new()
    {
        VocabSize = 50, HiddenSize = 16, IntermediateSize = 20, NumHiddenLayers = 1, NumAttentionHeads = 2, MaxPositionEmbeddings = 8,
        EosTokenId = 2,
    };

    // Row 0: BOS 40, tokens, EOS 7, padding with 45 (higher than EOS). Row 1: 49 twice (first occurrence wins).
    private static Tensor Ids() => tensor(new long[,] { { 40, 3, 7, 45, 45, 45, 45, 45 }, { 40, 49, 5, 49, 7, 7, 7, 7 } });

    private static Tensor Row(Tensor hidden, long batch, long position) => hidden[batch, position];

    [Fact]
    public void LegacyEosTwoPoolsAtTheFirstHighestId()
    {
        using var model = new CLIPTextModel(Small);
        using var ids = Ids();
        using var output = model.Encode(ids);
        Assert.True(TensorComparison.BitEqual(output.PoolerOutput[0], Row(output.LastHiddenState, 0, 3)));
        Assert.True(TensorComparison.BitEqual(output.PoolerOutput[1], Row(output.LastHiddenState, 1, 1)));
    }

    [Fact]
    public void ConfiguredEosPoolsAtItsFirstOccurrence()
    {
        using var model = new CLIPTextModel(Small with { EosTokenId = 7 });
        using var ids = Ids();
        using var output = model.Encode(ids);
        Assert.True(TensorComparison.BitEqual(output.PoolerOutput[0], Row(output.LastHiddenState, 0, 2)));
        Assert.True(TensorComparison.BitEqual(output.PoolerOutput[1], Row(output.LastHiddenState, 1, 4)));
    }
}

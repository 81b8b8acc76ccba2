using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Clip;

/// <summary>
/// What <see cref="CLIPTextModel.Encode"/> returns (transformers <c>BaseModelOutputWithPooling</c>). The record owns
/// its tensors: dispose it, or detach the ones you keep (<c>DetachFromDisposeScope</c>) first.
/// </summary>
/// <param name="LastHiddenState">[B, S, H]: the last layer's output through <c>final_layer_norm</c>.</param>
/// <param name="PoolerOutput">[B, H]: <paramref name="LastHiddenState"/> at each sequence's end-of-text position.</param>
/// <param name="HiddenStates">
/// When asked for: the embeddings output followed by each layer's output (num_hidden_layers + 1 tensors of [B, S, H],
/// none through the final layer norm), as transformers' <c>hidden_states</c>; otherwise null.
/// </param>
public sealed record CLIPTextModelOutput(Tensor LastHiddenState, Tensor PoolerOutput, IReadOnlyList<Tensor>? HiddenStates)
    : IDisposable
{
    public void Dispose()
    {
        LastHiddenState.Dispose();
        PoolerOutput.Dispose();
        if (HiddenStates is null) return;
        foreach (var state in HiddenStates) state.Dispose();
    }
}

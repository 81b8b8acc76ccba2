using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CMLoRA.Engine.Models.Clip;

/// <summary>
/// The CLIP text tower (transformers <c>CLIPTextTransformer</c>): embeddings, encoder layers, final layer norm.
/// Scoping and pooling live in <see cref="CLIPTextModel"/>; this class is the <c>text_model.</c> parameter prefix.
/// </summary>
public sealed class CLIPTextTransformer : Module<Tensor, Tensor>
{
    private readonly CLIPTextEmbeddings embeddings;
    private readonly CLIPEncoder encoder;
    private readonly LayerNorm final_layer_norm;

    public CLIPTextTransformer(ClipTextConfig config, Device? device = null) : base(nameof(CLIPTextTransformer))
    {
        embeddings = new CLIPTextEmbeddings(config, device);
        encoder = new CLIPEncoder(config, device);
        final_layer_norm = LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        RegisterComponents();
    }

    /// <summary>[B, S] ids → last hidden state [B, S, H] (after the final layer norm).</summary>
    public override Tensor forward(Tensor inputIds)
    {
        using var embedded = embeddings.call(inputIds);
        using var encoded = encoder.call(embedded);
        return final_layer_norm.call(encoded);
    }

    /// <summary>
    /// Runs the embeddings and the first <paramref name="layerCount"/> layers, returning every intermediate state
    /// (index 0 = embeddings output). Temporaries are left to the caller's dispose scope.
    /// </summary>
    internal List<Tensor> RunLayers(Tensor inputIds, int layerCount)
    {
        var states = new List<Tensor>(layerCount + 1) { embeddings.call(inputIds) };
        for (int i = 0; i < layerCount; i++)
            states.Add(encoder.RunLayer(i, states[^1]));
        return states;
    }

    /// <summary>Applies <c>final_layer_norm</c>.</summary>
    internal Tensor FinalLayerNorm(Tensor hiddenStates) => final_layer_norm.call(hiddenStates);

    internal int LayerCount => encoder.Count;
}

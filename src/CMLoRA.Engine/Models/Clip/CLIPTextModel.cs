using CMLoRA.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CMLoRA.Engine.Models.Clip;

/// <summary>
/// The CLIP text encoder that conditions SD 1.x (transformers <c>CLIPTextModel</c>): token + position embeddings,
/// causal pre-norm transformer layers with quick_gelu MLPs, final layer norm. Parameter names equal the transformers
/// state dict (<c>text_model.embeddings.token_embedding.weight</c>, <c>text_model.encoder.layers.0.self_attn.q_proj.weight</c>, …).
/// </summary>
/// <remarks>
/// Weights come from <c>text_encoder/model.safetensors</c> of a diffusers folder or from
/// <c>cond_stage_model.transformer.*</c> of a single-file checkpoint (see <c>Loading/StableDiffusionCheckpoint</c>).
/// Input ids are already tokenized, padded and truncated to <see cref="ClipTextConfig.MaxPositionEmbeddings"/>.
/// </remarks>
public sealed class CLIPTextModel : Module<Tensor, Tensor>
{
    private readonly CLIPTextTransformer text_model;

    public CLIPTextModel(ClipTextConfig config, Device? device = null) : base(nameof(CLIPTextModel))
    {
        Config = config.Validated();
        text_model = new CLIPTextTransformer(config, device);
        RegisterComponents();
        eval();
    }

    /// <summary>The configuration the model was built from.</summary>
    public ClipTextConfig Config { get; }

    /// <summary>[B, S] int64 ids → last hidden state [B, S, H].</summary>
    public override Tensor forward(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        using var ids = OnModelDevice(inputIds);
        return text_model.call(ids).MoveToOuterDisposeScope();
    }

    /// <summary>Runs the model and returns the last hidden state, the pooled output and optionally every hidden state.</summary>
    /// <remarks>Inference API: runs under <c>no_grad</c>.</remarks>
    public CLIPTextModelOutput Encode(Tensor inputIds, bool outputHiddenStates = false)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var ids = OnModelDevice(inputIds);
        var states = text_model.RunLayers(ids, text_model.LayerCount);
        var last = text_model.FinalLayerNorm(states[^1]);
        var pooled = Pool(last, ids);
        var hidden = outputHiddenStates ? states.Select(s => s.MoveToOuterDisposeScope()).ToList() : null;
        return new CLIPTextModelOutput(last.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope(), hidden);
    }

    /// <summary>
    /// The prompt conditioning for the UNet with A1111's "CLIP skip": 1 = the last layer (<c>last_hidden_state</c>),
    /// n ≥ 2 = the hidden state n−1 layers before the last, passed through <c>final_layer_norm</c>. Later layers are not run.
    /// </summary>
    /// <remarks>
    /// diffusers' <c>clip_skip</c> counts one less: diffusers <c>clip_skip=1</c> is <paramref name="clipSkip"/> 2 here.
    /// Inference API: runs under <c>no_grad</c>.
    /// </remarks>
    public Tensor EncodePrompt(Tensor inputIds, int clipSkip = 1)
    {
        int layers = text_model.LayerCount;
        if (clipSkip < 1 || clipSkip > layers)
            throw new ArgumentOutOfRangeException(nameof(clipSkip), clipSkip, $"CLIP skip must be between 1 and {layers}");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var ids = OnModelDevice(inputIds);
        var states = text_model.RunLayers(ids, layers - (clipSkip - 1));
        return text_model.FinalLayerNorm(states[^1]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Picks each row's end-of-text position as transformers 4.38 does: with the legacy <c>eos_token_id == 2</c> of
    /// SD 1.x configs, the position of the highest id (the tokenizer's end-of-text is the largest id); otherwise the
    /// first position holding <c>eos_token_id</c> (pad may equal eos). <c>argmax</c> returns the first maximum.
    /// </summary>
    private Tensor Pool(Tensor lastHiddenState, Tensor ids)
    {
        Tensor positions;
        if (Config.EosTokenId == 2)
        {
            positions = ids.to_type(ScalarType.Int32).argmax(-1);
        }
        else
        {
            using Scalar eos = Config.EosTokenId.ToScalar();
            positions = ids.eq(eos).to_type(ScalarType.Int32).argmax(-1);
        }
        var rows = ScalarSafeOps.Arange(0, ids.shape[0], ScalarType.Int64, lastHiddenState.device);
        return lastHiddenState.index(TensorIndex.Tensor(rows), TensorIndex.Tensor(positions));
    }

    private Tensor OnModelDevice(Tensor inputIds)
    {
        if (inputIds.dim() != 2)
            throw new ArgumentException($"input ids must be [batch, sequence], got [{string.Join(",", inputIds.shape)}]", nameof(inputIds));
        var device = parameters().First().device;
        var ids = inputIds.dtype == ScalarType.Int64 ? inputIds : inputIds.to_type(ScalarType.Int64);
        return ids.device == device ? ids.alias() : ids.to(device);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace CMLoRA.Engine.Models.Clip;

/// <summary>
/// The fields of a transformers <c>CLIPTextConfig</c> (<c>text_encoder/config.json</c>) that shape the text model.
/// Property defaults are the transformers defaults, used when a field is absent from the JSON.
/// </summary>
/// <remarks><c>projection_dim</c> and the generation fields are ignored: <see cref="CLIPTextModel"/> has no projection head.</remarks>
public sealed record ClipTextConfig
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 49408;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 512;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 2048;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 12;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 8;
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 77;

    /// <summary><c>quick_gelu</c> (x·σ(1.702x), what the original CLIP and SD 1.x use) or <c>gelu</c> (exact, erf-based).</summary>
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "quick_gelu";

    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-5;
    [JsonPropertyName("pad_token_id")] public long PadTokenId { get; init; } = 1;
    [JsonPropertyName("bos_token_id")] public long BosTokenId { get; init; } = 49406;

    /// <summary>
    /// The end-of-text id used for pooling. The value 2 is the legacy placeholder that SD 1.x configs carry; with it
    /// the pooled position is the position of the highest token id, as transformers does (see <see cref="CLIPTextModel"/>).
    /// </summary>
    [JsonPropertyName("eos_token_id")] public long EosTokenId { get; init; } = 49407;

    /// <summary>The SD 1.x text encoder (CLIP ViT-L/14 text tower); equals <c>tests/fixtures/sd15/text_encoder_config.json</c>.</summary>
    public static ClipTextConfig StableDiffusion15 { get; } = new()
    {
        VocabSize = 49408,
        HiddenSize = 768,
        IntermediateSize = 3072,
        NumHiddenLayers = 12,
        NumAttentionHeads = 12,
        MaxPositionEmbeddings = 77,
        HiddenAct = "quick_gelu",
        LayerNormEps = 1e-5,
        PadTokenId = 1,
        BosTokenId = 0,
        EosTokenId = 2,
    };

    /// <summary>Size of one attention head.</summary>
    [JsonIgnore] public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Parses a transformers <c>config.json</c>; unknown fields are ignored.</summary>
    /// <exception cref="FormatException">the JSON is not an object or describes an unsupported model.</exception>
    public static ClipTextConfig FromJson(string json)
    {
        ClipTextConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<ClipTextConfig>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new FormatException("text encoder config is not valid JSON: " + ex.Message, ex);
        }
        return (config ?? throw new FormatException("text encoder config is empty")).Validated();
    }

    /// <summary>Reads and parses a <c>config.json</c> file.</summary>
    public static ClipTextConfig FromFile(string path)
    {
        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>Throws <see cref="FormatException"/> when the sizes cannot build a model.</summary>
    public ClipTextConfig Validated()
    {
        if (VocabSize <= 0 || HiddenSize <= 0 || IntermediateSize <= 0 || NumHiddenLayers <= 0 || NumAttentionHeads <= 0
            || MaxPositionEmbeddings <= 0)
            throw new FormatException("text encoder config: sizes must be positive");
        if (HiddenSize % NumAttentionHeads != 0)
            throw new FormatException(
                $"text encoder config: hidden_size {HiddenSize} is not divisible by num_attention_heads {NumAttentionHeads}");
        if (HiddenAct is not ("quick_gelu" or "gelu"))
            throw new FormatException($"text encoder config: hidden_act '{HiddenAct}' is not supported (quick_gelu or gelu)");
        return this;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };
}

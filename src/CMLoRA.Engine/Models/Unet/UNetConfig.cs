using System.Globalization;

namespace CMLoRA.Engine.Models.Unet;

/// <summary>
/// The fields of a diffusers <c>UNet2DConditionModel</c> config.json (property names map to snake_case keys).
/// Defaults are diffusers' constructor defaults; unknown keys are ignored. <see cref="Validate"/> refuses values
/// this engine does not implement (SDXL additions, class embeddings, other block types) naming the field.
/// </summary>
public sealed record UNetConfig
{
    public int SampleSize { get; init; } = 64;
    public int InChannels { get; init; } = 4;
    public int OutChannels { get; init; } = 4;
    public bool CenterInputSample { get; init; }
    public bool FlipSinToCos { get; init; } = true;
    public int FreqShift { get; init; }
    public ConfigList<string> DownBlockTypes { get; init; } =
        new[] { "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D" };
    public string? MidBlockType { get; init; } = "UNetMidBlock2DCrossAttn";
    public ConfigList<string> UpBlockTypes { get; init; } =
        new[] { "UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D" };
    public PerBlock<bool> OnlyCrossAttention { get; init; } = false;
    public ConfigList<int> BlockOutChannels { get; init; } = new[] { 320, 640, 1280, 1280 };
    public PerBlock<int> LayersPerBlock { get; init; } = 2;
    public int DownsamplePadding { get; init; } = 1;
    public double MidBlockScaleFactor { get; init; } = 1.0;
    public double Dropout { get; init; }
    public string ActFn { get; init; } = "silu";
    public int? NormNumGroups { get; init; } = 32;
    public double NormEps { get; init; } = 1e-5;
    public PerBlock<int> CrossAttentionDim { get; init; } = 1280;
    public PerBlock<int> TransformerLayersPerBlock { get; init; } = 1;

    /// <summary>diffusers' name; for SD 1.x/2.x UNets this is the number of attention heads, not their width.</summary>
    public PerBlock<int> AttentionHeadDim { get; init; } = 8;
    public PerBlock<int>? NumAttentionHeads { get; init; }
    public bool UseLinearProjection { get; init; }
    public bool UpcastAttention { get; init; }
    public int ConvInKernel { get; init; } = 3;
    public int ConvOutKernel { get; init; } = 3;
    public int? TimeEmbeddingDim { get; init; }

    // Fields accepted only at their SD 1.x/2.x values; anything else is refused by Validate.
    public System.Text.Json.JsonElement? ReverseTransformerLayersPerBlock { get; init; }
    public int? EncoderHidDim { get; init; }
    public string? EncoderHidDimType { get; init; }
    public bool DualCrossAttention { get; init; }
    public string? ClassEmbedType { get; init; }
    public string? AdditionEmbedType { get; init; }
    public int? NumClassEmbeds { get; init; }
    public string ResnetTimeScaleShift { get; init; } = "default";
    public bool ResnetSkipTimeAct { get; init; }
    public double ResnetOutScaleFactor { get; init; } = 1.0;
    public string TimeEmbeddingType { get; init; } = "positional";
    public string? TimeEmbeddingActFn { get; init; }
    public string? TimestepPostAct { get; init; }
    public int? TimeCondProjDim { get; init; }
    public string AttentionType { get; init; } = "default";
    public string? CrossAttentionNorm { get; init; }

    /// <summary>The runwayml/stable-diffusion-v1-5 unet/config.json values.</summary>
    public static UNetConfig StableDiffusion15 { get; } = new()
    {
        SampleSize = 64,
        CrossAttentionDim = 768,
        AttentionHeadDim = 8,
    };

    /// <summary>Parses and validates a config.json text.</summary>
    public static UNetConfig FromJson(string json) => ConfigJson.Parse<UNetConfig>(json, "unet").Validate();

    /// <summary>Reads and validates a config.json file.</summary>
    public static UNetConfig Load(string path) => FromJson(File.ReadAllText(path));

    /// <summary>Time-embedding width: <c>time_embedding_dim</c>, else 4 × the first block's channels.</summary>
    public int TimeEmbedDim => TimeEmbeddingDim ?? BlockOutChannels[0] * 4;

    /// <summary>Number of down (and up) blocks.</summary>
    public int BlockCount => BlockOutChannels.Count;

    /// <summary>Attention heads per down block. diffusers 0.27 reads SD's <c>attention_head_dim</c> as the head count.</summary>
    public int[] HeadsPerBlock => AttentionHeadDim.Resolve(BlockCount, "attention_head_dim");

    /// <summary>Throws <see cref="ModelConfigException"/> naming the first unsupported field; returns this config.</summary>
    public UNetConfig Validate()
    {
        int n = BlockOutChannels.Count;
        if (n == 0) Fail("block_out_channels is empty");
        if (DownBlockTypes.Count != n)
            Fail($"down_block_types has {DownBlockTypes.Count} entries but block_out_channels has {n}");
        if (UpBlockTypes.Count != n)
            Fail($"up_block_types has {UpBlockTypes.Count} entries but block_out_channels has {n}");
        for (int i = 0; i < n; i++)
        {
            if (DownBlockTypes[i] is not ("CrossAttnDownBlock2D" or "DownBlock2D"))
                Fail($"down_block_types[{i}] = \"{DownBlockTypes[i]}\" is not supported (supported: CrossAttnDownBlock2D, DownBlock2D)");
            if (UpBlockTypes[i] is not ("CrossAttnUpBlock2D" or "UpBlock2D"))
                Fail($"up_block_types[{i}] = \"{UpBlockTypes[i]}\" is not supported (supported: CrossAttnUpBlock2D, UpBlock2D)");
        }
        if (MidBlockType != "UNetMidBlock2DCrossAttn")
            Fail($"mid_block_type = {Quote(MidBlockType)} is not supported (supported: UNetMidBlock2DCrossAttn)");
        if (NumAttentionHeads is not null)
            Fail("num_attention_heads is not supported (diffusers 0.27 refuses it too); set attention_head_dim");
        int groups = NormNumGroups ?? 0;
        if (groups <= 0) Fail($"norm_num_groups = {Quote(NormNumGroups)} is not supported (a positive group count is required)");
        if (ActFn is not ("silu" or "swish")) Fail($"act_fn = \"{ActFn}\" is not supported (supported: silu)");
        if (ConvInKernel % 2 == 0 || ConvInKernel < 1) Fail($"conv_in_kernel = {ConvInKernel} must be odd");
        if (ConvOutKernel % 2 == 0 || ConvOutKernel < 1) Fail($"conv_out_kernel = {ConvOutKernel} must be odd");
        RefuseUnless(AdditionEmbedType is null, "addition_embed_type", AdditionEmbedType, "SD 1.x/2.x UNets have none");
        RefuseUnless(ClassEmbedType is null, "class_embed_type", ClassEmbedType);
        RefuseUnless(NumClassEmbeds is null, "num_class_embeds", NumClassEmbeds);
        RefuseUnless(EncoderHidDim is null, "encoder_hid_dim", EncoderHidDim);
        RefuseUnless(EncoderHidDimType is null, "encoder_hid_dim_type", EncoderHidDimType);
        RefuseUnless(!DualCrossAttention, "dual_cross_attention", DualCrossAttention);
        RefuseUnless(ResnetTimeScaleShift == "default", "resnet_time_scale_shift", ResnetTimeScaleShift);
        RefuseUnless(!ResnetSkipTimeAct, "resnet_skip_time_act", ResnetSkipTimeAct);
        RefuseUnless(ResnetOutScaleFactor == 1.0, "resnet_out_scale_factor", ResnetOutScaleFactor);
        RefuseUnless(TimeEmbeddingType == "positional", "time_embedding_type", TimeEmbeddingType);
        RefuseUnless(TimeEmbeddingActFn is null, "time_embedding_act_fn", TimeEmbeddingActFn);
        RefuseUnless(TimestepPostAct is null, "timestep_post_act", TimestepPostAct);
        RefuseUnless(TimeCondProjDim is null, "time_cond_proj_dim", TimeCondProjDim);
        RefuseUnless(AttentionType == "default", "attention_type", AttentionType);
        RefuseUnless(CrossAttentionNorm is null, "cross_attention_norm", CrossAttentionNorm);
        RefuseUnless(ReverseTransformerLayersPerBlock is null
            || ReverseTransformerLayersPerBlock.Value.ValueKind == System.Text.Json.JsonValueKind.Null,
            "reverse_transformer_layers_per_block", ReverseTransformerLayersPerBlock?.GetRawText());

        int[] heads = Resolve(AttentionHeadDim, "attention_head_dim");
        int[] layers = Resolve(LayersPerBlock, "layers_per_block");
        int[] transformerLayers = Resolve(TransformerLayersPerBlock, "transformer_layers_per_block");
        int[] crossDims = Resolve(CrossAttentionDim, "cross_attention_dim");
        Resolve(OnlyCrossAttention, "only_cross_attention");
        for (int i = 0; i < n; i++)
        {
            int channels = BlockOutChannels[i];
            if (channels <= 0 || channels % groups != 0)
                Fail($"block_out_channels[{i}] = {channels} is not a positive multiple of norm_num_groups = {groups}");
            if (heads[i] <= 0 || channels % heads[i] != 0)
                Fail($"attention_head_dim[{i}] = {heads[i]} heads do not divide block_out_channels[{i}] = {channels}");
            if (layers[i] <= 0) Fail($"layers_per_block[{i}] = {layers[i]} must be positive");
            if (transformerLayers[i] <= 0) Fail($"transformer_layers_per_block[{i}] = {transformerLayers[i]} must be positive");
            if (crossDims[i] <= 0) Fail($"cross_attention_dim[{i}] = {crossDims[i]} must be positive");
        }
        return this;
    }

    private T[] Resolve<T>(PerBlock<T> value, string field)
    {
        try { return value.Resolve(BlockCount, field); }
        catch (ModelConfigException e) { throw new ModelConfigException("unet config: " + e.Message, e); }
    }

    private static string Quote(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };

    private static void RefuseUnless(bool supported, string field, object? value, string? why = null)
    {
        if (!supported)
            Fail($"{field} = {Quote(value)} is not supported" + (why is null ? "" : $" ({why})"));
    }

    private static void Fail(string message) => throw new ModelConfigException("unet config: " + message);
}

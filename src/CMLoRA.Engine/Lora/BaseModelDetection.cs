namespace CMLoRA.Engine.Lora;

/// <summary>
/// What the file says about its base model. Tensor evidence wins over metadata (metadata is a hint; A1111 and InvokeAI
/// agree), and metadata decides only when the tensors are silent.
/// </summary>
/// <param name="Family">The verdict.</param>
/// <param name="CrossAttentionWidth">The input width of the UNet attn2 to_k/to_v projections, when the file has them.</param>
/// <param name="FromTensors">The family the tensor names and shapes imply, or null.</param>
/// <param name="FromMetadata">The family <c>ss_base_model_version</c>, <c>modelspec.architecture</c> or <c>ss_v2</c> imply, or null.</param>
/// <param name="Evidence">Human-readable reasons, e.g. "attn2 to_k input width is 2048".</param>
public sealed record BaseModelDetection(
    BaseModelFamily Family,
    long? CrossAttentionWidth,
    BaseModelFamily? FromTensors,
    BaseModelFamily? FromMetadata,
    IReadOnlyList<string> Evidence)
{
    /// <summary>True when the LoRA can be applied to an SD 1.x model (SD1, or nothing says otherwise).</summary>
    public bool IsSd1Compatible => Family is BaseModelFamily.SD1 or BaseModelFamily.Unknown;

    /// <summary>A display name: "SD 1.x", "SD 2.x", "SDXL", "other" or "unknown".</summary>
    public string DisplayName => Family switch
    {
        BaseModelFamily.SD1 => "SD 1.x",
        BaseModelFamily.SD2 => "SD 2.x",
        BaseModelFamily.SDXL => "SDXL",
        BaseModelFamily.Other => "other",
        _ => "unknown",
    };
}

namespace CMLoRA.Engine.Lora;

/// <summary>The base-model family a LoRA was trained for.</summary>
public enum BaseModelFamily
{
    /// <summary>Nothing in the file says (tiny test models, LoRAs without metadata or attn2 modules).</summary>
    Unknown,

    /// <summary>Stable Diffusion 1.x: cross-attention width 768 (CLIP ViT-L/14).</summary>
    SD1,

    /// <summary>Stable Diffusion 2.x: cross-attention width 1024 (OpenCLIP ViT-H/14).</summary>
    SD2,

    /// <summary>SDXL: cross-attention width 2048, two text encoders (lora_te1_/lora_te2_).</summary>
    SDXL,

    /// <summary>Another architecture named in the metadata (Flux, SD3, …).</summary>
    Other,
}

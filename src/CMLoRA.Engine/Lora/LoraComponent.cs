namespace CMLoRA.Engine.Lora;

/// <summary>The model a LoRA module patches. SD 1.x has one text encoder (CLIP ViT-L/14) and one UNet.</summary>
public enum LoraComponent
{
    /// <summary>The denoising UNet (kohya prefix <c>lora_unet_</c>, diffusers prefix <c>unet.</c>).</summary>
    Unet,

    /// <summary>The CLIP text encoder (kohya prefix <c>lora_te_</c>, diffusers prefix <c>text_encoder.</c>).</summary>
    TextEncoder,
}

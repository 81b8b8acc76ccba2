namespace CMLoRA.Engine.Lora;

/// <summary>The key-naming convention of a LoRA file.</summary>
public enum LoraNaming
{
    /// <summary>kohya sd-scripts / LyCORIS: <c>lora_unet_down_blocks_0_…_to_q.lora_down.weight</c>.</summary>
    Kohya,

    /// <summary>diffusers / PEFT: <c>unet.down_blocks.0.….to_q.lora_A.weight</c>.</summary>
    Diffusers,

    /// <summary>Both conventions in one file.</summary>
    Mixed,
}

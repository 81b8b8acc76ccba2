namespace CMLoRA.Engine.Lora;

/// <summary>Why a LoRA file was refused.</summary>
public enum LoraErrorKind
{
    /// <summary>Tensors are missing, mis-shaped or inconsistent (e.g. a lora_down without its lora_up).</summary>
    Malformed,

    /// <summary>Keys in a naming or algorithm this loader does not support; <see cref="LoraFormatException.Keys"/> lists them.</summary>
    UnsupportedKeys,

    /// <summary>A LoRA for another base model (SD 2.x, SDXL, …).</summary>
    IncompatibleBaseModel,

    /// <summary>Modules that match nothing in the model, or match a weight of another shape.</summary>
    UnmatchedKeys,
}

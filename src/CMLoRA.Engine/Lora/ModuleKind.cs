namespace CMLoRA.Engine.Lora;

/// <summary>The layer type a LoRA module targets.</summary>
public enum ModuleKind
{
    /// <summary>A linear layer: weight <c>[out, in]</c>.</summary>
    Linear,

    /// <summary>A 2-D convolution: weight <c>[out, in, kh, kw]</c>.</summary>
    Conv2d,
}

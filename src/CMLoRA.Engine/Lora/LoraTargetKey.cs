namespace CMLoRA.Engine.Lora;

/// <summary>
/// The normalised identity of a LoRA module: the component plus the target module path with every '.' replaced by
/// '_' (kohya's rule), e.g. (Unet, <c>down_blocks_0_attentions_0_proj_in</c>). Both kohya and diffusers names reduce to it.
/// </summary>
public readonly record struct LoraTargetKey(LoraComponent Component, string Name)
{
    /// <summary>Builds the key of a dotted module path, e.g. <c>text_model.encoder.layers.0.mlp.fc1</c>.</summary>
    public static LoraTargetKey FromModulePath(LoraComponent component, string modulePath) =>
        new(component, modulePath.Replace('.', '_'));

    /// <summary>The kohya module name: <c>lora_unet_…</c> or <c>lora_te_…</c>.</summary>
    public string KohyaName => (Component == LoraComponent.Unet ? "lora_unet_" : "lora_te_") + Name;

    public override string ToString() => KohyaName;
}

namespace CMLoRA.Engine.Conformance;

/// <summary>Where <see cref="ConformanceRunner"/> reads the reference and writes our outputs.</summary>
/// <param name="ReferenceDirectory">
/// A directory shaped like <c>tests/fixtures/reference/tiny_sdlike</c>: <c>weights/diffusers/</c> and/or
/// <c>weights/ldm/*.safetensors</c>, <c>inputs.safetensors</c>, <c>outputs.safetensors</c> and/or
/// <c>sampling_&lt;run&gt;.safetensors</c> + <c>.json</c>; optionally <c>config.json</c>, <c>outputs_f64.safetensors</c>
/// and <c>weights/lora/</c>.
/// </param>
/// <param name="OutputDirectory">Created when missing; must differ from <paramref name="ReferenceDirectory"/>.</param>
public sealed record ConformanceOptions(string ReferenceDirectory, string OutputDirectory)
{
    /// <summary>
    /// The LoRA weight for the <c>lora_*</c> component outputs; null reads <c>lora.scale</c> of <c>config.json</c>
    /// (1.0 when absent). Sampling runs use the <c>lora.scale</c> of their own <c>.json</c>.
    /// </summary>
    public float? LoraScale { get; init; }
}

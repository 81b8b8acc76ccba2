namespace CMLoRA.Engine.Text;

/// <summary>A <c>&lt;lora:name:weight&gt;</c> tag taken out of a prompt.</summary>
/// <param name="Name">The LoRA's name as written (usually its file name without extension).</param>
/// <param name="Weight">The multiplier; 1.0 when the tag has none.</param>
public sealed record LoraTag(string Name, float Weight);

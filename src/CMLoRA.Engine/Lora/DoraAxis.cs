namespace CMLoRA.Engine.Lora;

/// <summary>
/// The axis DoRA keeps the magnitude of. LyCORIS writes <c>dora_scale</c> as <c>[out, 1, …]</c> when it decomposes
/// per output row (<c>wd_on_out=True</c>, its default) and as <c>[1, in, 1, …]</c> per input column; PEFT's
/// <c>lora_magnitude_vector</c> is <c>[out]</c>. The shape alone tells which one a file uses.
/// </summary>
public enum DoraAxis
{
    /// <summary>One magnitude per output row; the norm runs over every other axis.</summary>
    Output,

    /// <summary>One magnitude per input column; the norm runs over the output and kernel axes.</summary>
    Input,
}

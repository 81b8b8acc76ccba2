namespace CMLoRA.Engine.Lora;

/// <summary>How one module's weight update is factorised in the file.</summary>
public enum LoraAlgorithm
{
    /// <summary>Low-rank product <c>up · down</c> (also LoCon, optionally with a Tucker core <c>lora_mid</c>).</summary>
    LoRA,

    /// <summary>LyCORIS LoHa: Hadamard product of two low-rank products.</summary>
    LoHa,

    /// <summary>LyCORIS LoKr: Kronecker product of two (optionally low-rank) factors.</summary>
    LoKr,
}

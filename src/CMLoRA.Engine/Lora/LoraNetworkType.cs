namespace CMLoRA.Engine.Lora;

/// <summary>The network type of a whole LoRA file, as users know it.</summary>
public enum LoraNetworkType
{
    /// <summary>Plain LoRA on linear layers and 1×1 convolutions.</summary>
    LoRA,

    /// <summary>LoRA that also adapts k×k convolutions (kernel larger than 1×1, or a Tucker core).</summary>
    LoCon,

    /// <summary>LyCORIS LoHa.</summary>
    LoHa,

    /// <summary>LyCORIS LoKr.</summary>
    LoKr,

    /// <summary>Any of the above with DoRA weight decomposition (<c>dora_scale</c>).</summary>
    DoRA,
}

namespace CMLoRA.Engine.Composition;

/// <summary>CMLoRA's two sampling phases (spec 3.5): only high-frequency LoRAs rotate early; low-frequency ones join late.</summary>
public enum CompositionPhase
{
    /// <summary>Before the phase boundary: dominance rotates over the high-frequency group.</summary>
    Early,

    /// <summary>From the phase boundary on: dominance rotates over every LoRA.</summary>
    Late,
}

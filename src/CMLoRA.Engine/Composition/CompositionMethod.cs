namespace CMLoRA.Engine.Composition;

/// <summary>How several LoRAs are combined during denoising (docs/composition.md describes each).</summary>
public enum CompositionMethod
{
    /// <summary>The base model alone: no LoRA is active.</summary>
    None,

    /// <summary>LoRA Merge: all adapters active in one UNet evaluation per step (spec 2.1).</summary>
    Merge,

    /// <summary>LoRA Switch: one adapter at a time, rotating every few steps (spec 2.2).</summary>
    Switch,

    /// <summary>LoRA Composite: one evaluation per adapter, predictions averaged before CFG (spec 2.3).</summary>
    Composite,

    /// <summary>Cached Multi-LoRA: Composite with dominant weighting, frequency-ordered rotation and per-LoRA feature caches (spec 3).</summary>
    CmLora,
}

namespace CMLoRA.Engine.Profiling;

/// <summary>What decided a LoRA's <see cref="FrequencyBand"/>.</summary>
public enum BandSource
{
    /// <summary>The LoRA's frequency score compared with <see cref="LoraOrderingOptions.LowFrequencyThreshold"/>.</summary>
    Score,

    /// <summary>The LoRA's category (background is low-frequency, every other category high-frequency).</summary>
    Category,
}

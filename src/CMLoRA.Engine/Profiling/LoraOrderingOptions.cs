namespace CMLoRA.Engine.Profiling;

/// <summary>Options of <see cref="LoraOrdering"/>.</summary>
public sealed record LoraOrderingOptions
{
    /// <summary>
    /// A profiled LoRA whose score is below this value is low-frequency, otherwise high-frequency. Null (the default)
    /// lets the category decide the group, which reproduces the reference's frozen partition; scores then only order
    /// LoRAs within their group. Calibrate it from profiled libraries before relying on it.
    /// </summary>
    public double? LowFrequencyThreshold { get; init; }
}

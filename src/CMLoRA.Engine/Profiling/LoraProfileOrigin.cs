namespace CMLoRA.Engine.Profiling;

/// <summary>Where a LoRA's frequency score came from before a generation.</summary>
public enum LoraProfileOrigin
{
    /// <summary>The caller set <see cref="Generation.LoraRequest.FrequencyScore"/> (e.g. from the studio database).</summary>
    Given,

    /// <summary>Read from the LoRA's sidecar file.</summary>
    Sidecar,

    /// <summary>Profiled just now, on first use.</summary>
    Profiled,

    /// <summary>No profile: the LoRA's category decides its group (the reference's partition).</summary>
    None,
}

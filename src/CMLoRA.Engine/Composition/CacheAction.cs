namespace CMLoRA.Engine.Composition;

/// <summary>What one UNet evaluation does with its deep-feature cache (spec 4.2).</summary>
public enum CacheAction
{
    /// <summary>Plain full UNet forward; caching is off for this run, nothing is recorded or read.</summary>
    None,

    /// <summary>Full UNet forward that records the deep feature into the run's cache slot.</summary>
    Refresh,

    /// <summary>Shallow forward that re-injects the cached deep feature of the run's cache slot.</summary>
    Reuse,
}

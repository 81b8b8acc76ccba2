namespace CMLoRA.Engine.Profiling;

/// <summary>The two LoRA groups of CMLoRA's frequency analysis (spec 3.2–3.3).</summary>
public enum FrequencyBand
{
    /// <summary>Amplifies high-frequency features (edges, textures); rotates as dominant from the first step.</summary>
    High,

    /// <summary>Mainly shapes low-frequency content (layout, smooth colour); joins the rotation in the late phase.</summary>
    Low,
}

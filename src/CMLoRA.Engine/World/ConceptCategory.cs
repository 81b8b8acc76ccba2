namespace CMLoRA.Engine.World;

/// <summary>The five concept categories of the ComposLoRA testbed; a scene holds at most one concept of each.</summary>
public enum ConceptCategory
{
    /// <summary>The main figure (always present).</summary>
    Character,
    /// <summary>Something the character wears (optional).</summary>
    Clothing,
    /// <summary>A global, high-frequency rendering (optional).</summary>
    Style,
    /// <summary>The low-frequency backdrop (always present).</summary>
    Background,
    /// <summary>A small second thing beside the character (optional).</summary>
    Object,
}

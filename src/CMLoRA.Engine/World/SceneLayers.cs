namespace CMLoRA.Engine.World;

/// <summary>Which parts of a scene to draw; leaving some out isolates one concept (contact sheets, frequency tests).</summary>
[Flags]
public enum SceneLayers
{
    /// <summary>The background (always drawn; it is the canvas).</summary>
    Background = 0,
    /// <summary>The object in its corner.</summary>
    Object = 1,
    /// <summary>The character with its face and clothing.</summary>
    Character = 2,
    /// <summary>The style applied to everything drawn.</summary>
    Style = 4,
    /// <summary>Everything.</summary>
    All = Object | Character | Style,
}

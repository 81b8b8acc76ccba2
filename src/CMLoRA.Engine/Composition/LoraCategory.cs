namespace CMLoRA.Engine.Composition;

/// <summary>
/// The ComposLoRA element categories (spec 6.1). Without a frequency profile, the category decides a LoRA's
/// frequency group (spec 3.2): background is low-frequency, everything else high-frequency.
/// </summary>
public enum LoraCategory
{
    /// <summary>Not one of the ComposLoRA categories; treated as high-frequency.</summary>
    Other,

    /// <summary>A character or person.</summary>
    Character,

    /// <summary>An outfit.</summary>
    Clothing,

    /// <summary>A rendering style.</summary>
    Style,

    /// <summary>A scene background; the only low-frequency category.</summary>
    Background,

    /// <summary>A held or placed object.</summary>
    Object,
}

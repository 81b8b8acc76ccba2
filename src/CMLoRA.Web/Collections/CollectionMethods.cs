namespace CMLoRA.Web.Collections;

/// <summary>The composition methods a collection may default to (the engine's CompositionMethod names).</summary>
public static class CollectionMethods
{
    public const string Merge = "Merge";
    public const string Switch = "Switch";
    public const string Composite = "Composite";
    public const string CmLora = "CmLora";

    public static readonly string[] All = [Merge, Switch, Composite, CmLora];

    /// <summary>The method's name as users read it (CMLoRA rather than the identifier CmLora).</summary>
    public static string Name(string method) => method == CmLora ? "CMLoRA" : method;

    public static string Describe(string method) => method switch
    {
        Merge => "Merge: all LoRAs at once, one UNet pass per step",
        Switch => "Switch: one LoRA at a time, rotating every few steps",
        Composite => "Composite: one pass per LoRA, predictions averaged",
        CmLora => "CMLoRA: Composite with frequency-ordered dominance and per-LoRA caches",
        _ => method,
    };
}

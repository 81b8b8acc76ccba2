namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>
/// The order a CMLoRA row hands its LoRAs to the generator. The demo LoRAs carry no frequency profile, so
/// <see cref="Profiling.LoraOrdering"/> keeps that order within each frequency group (background low, the rest high) and
/// the dominance rotation follows it.
/// </summary>
public enum DominanceOrder
{
    /// <summary>Category order (character, clothing, style, background, object): the character is dominant first, as in the reference.</summary>
    Category,

    /// <summary>The reverse of category order: the last high-frequency LoRA (object, style or clothing) is dominant first, the character last.</summary>
    Reverse,
}

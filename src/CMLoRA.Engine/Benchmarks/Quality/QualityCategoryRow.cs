using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>How often a method's images showed the requested concept of one category, over every N.</summary>
/// <param name="Method">The <see cref="QualityMethod.Label"/> (or "rendered").</param>
/// <param name="Category">The concept category.</param>
/// <param name="Requested">Images that asked for a concept of this category.</param>
/// <param name="Detected">Of those, images in which the classifier found it.</param>
public sealed record QualityCategoryRow(string Method, ConceptCategory Category, int Requested, int Detected)
{
    /// <summary>Detected / requested.</summary>
    public double Recall => Requested == 0 ? 0 : (double)Detected / Requested;
}

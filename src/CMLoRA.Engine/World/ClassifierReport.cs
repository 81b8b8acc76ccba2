namespace CMLoRA.Engine.World;

/// <summary>How well the concept classifier reads a rendered test set.</summary>
/// <param name="Images">Pictures evaluated.</param>
/// <param name="CategoryAccuracy">Per category, the share of pictures whose decision (best concept, or none for an empty optional slot) is right.</param>
/// <param name="AllCategoriesCorrect">Share of pictures with all five decisions right.</param>
/// <param name="ConceptF1">Per concept id, F1 of "probability ≥ 0.5" against the truth.</param>
public sealed record ClassifierReport(
    int Images,
    IReadOnlyDictionary<ConceptCategory, double> CategoryAccuracy,
    double AllCategoriesCorrect,
    IReadOnlyDictionary<string, double> ConceptF1)
{
    /// <summary>Mean of the five per-category accuracies.</summary>
    public double MeanCategoryAccuracy => CategoryAccuracy.Values.Average();

    /// <summary>Mean F1 over the novel (demo LoRA) concepts.</summary>
    public double NovelMeanF1 => ConceptCatalog.Novel.Average(c => ConceptF1[c.Id]);

    /// <summary>Mean F1 over all concepts.</summary>
    public double MeanF1 => ConceptF1.Values.Average();
}

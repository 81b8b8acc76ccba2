namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>One line of the main table: a method at one N, averaged over its combinations and seeds.</summary>
/// <param name="Method">The <see cref="QualityMethod.Label"/>, or "rendered" for the classifier's check on ground truth.</param>
/// <param name="N">LoRAs per composition.</param>
/// <param name="Images">Images scored.</param>
/// <param name="ConceptRecall">Detected requested concepts / requested concepts, over all images.</param>
/// <param name="AllPresentRate">Fraction of images in which every requested concept was detected.</param>
/// <param name="SecondsPerImage">Mean generation wall time; null for rendered ground truth.</param>
/// <param name="FullEvaluationsPerImage">Mean full UNet evaluations per image; null for rendered ground truth.</param>
/// <param name="CachedEvaluationsPerImage">Mean cached (shallow) evaluations per image; null for rendered ground truth.</param>
public sealed record QualityRow(string Method, int N, int Images, double ConceptRecall, double AllPresentRate,
    double? SecondsPerImage, double? FullEvaluationsPerImage, double? CachedEvaluationsPerImage);

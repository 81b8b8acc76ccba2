namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>What the concept classifier says about the concepts a picture was asked to show.</summary>
/// <param name="Probabilities">Concept id → the classifier's sigmoid probability, for each requested concept.</param>
/// <param name="Detected">Concept id → whether the classifier's decision for that concept's category is that concept.</param>
public sealed record ConceptScore(IReadOnlyDictionary<string, float> Probabilities, IReadOnlyDictionary<string, bool> Detected)
{
    /// <summary>True when every requested concept was detected.</summary>
    public bool AllPresent => Detected.Values.All(d => d);

    /// <summary>Fraction of the requested concepts detected.</summary>
    public double Recall => Detected.Count == 0 ? 1.0 : (double)Detected.Values.Count(d => d) / Detected.Count;
}

using CMLoRA.Engine.Generation;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>A generated picture and the classifier's verdict on the concepts its prompt asked for.</summary>
/// <param name="Output">The generation (PNG, parameters, statistics).</param>
/// <param name="Score">Probabilities and decisions for the requested concepts.</param>
/// <param name="Seconds">Wall time of the generation alone.</param>
public sealed record ConceptCheckResult(GenerationOutput Output, ConceptScore Score, double Seconds);

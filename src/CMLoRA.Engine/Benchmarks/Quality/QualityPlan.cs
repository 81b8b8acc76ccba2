namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>What a run covers.</summary>
/// <param name="Loras">The demo LoRAs found, in catalogue order.</param>
/// <param name="Combinations">The combinations, by N then index.</param>
/// <param name="Seeds">Image seeds.</param>
/// <param name="Tasks">Every image in run order (combination, seed, then method).</param>
/// <param name="Notes">Shortfalls the report mentions.</param>
public sealed record QualityPlan(
    IReadOnlyList<QualityLora> Loras,
    IReadOnlyList<QualityCombination> Combinations,
    IReadOnlyList<long> Seeds,
    IReadOnlyList<QualityTask> Tasks,
    IReadOnlyList<string> Notes);

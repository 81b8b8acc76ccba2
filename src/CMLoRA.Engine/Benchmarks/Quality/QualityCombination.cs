using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>One set of LoRAs composed together, with the prompt that asks for all of their concepts.</summary>
/// <param name="N">Number of LoRAs.</param>
/// <param name="Index">Position among the combinations chosen for this N (1-based).</param>
/// <param name="Loras">The LoRAs in category order.</param>
public sealed record QualityCombination(int N, int Index, IReadOnlyList<QualityLora> Loras)
{
    /// <summary>The requested concepts in category order.</summary>
    public IReadOnlyList<Concept> Concepts => Loras.Select(l => l.Concept).ToArray();

    /// <summary>The prompt (see <see cref="QualityPrompt.Build"/>).</summary>
    public string Prompt => QualityPrompt.Build(Concepts);

    /// <summary>The trigger words joined with '+', e.g. "boovik+nimbrae"; identifies the combination in results.</summary>
    public string Name => string.Join("+", Loras.Select(l => l.Concept.Trigger));
}

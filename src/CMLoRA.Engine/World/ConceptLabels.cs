using static TorchSharp.torch;

namespace CMLoRA.Engine.World;

/// <summary>Multi-hot label vectors over <see cref="ConceptCatalog.All"/> (label i is concept i), the classifier's targets.</summary>
public static class ConceptLabels
{
    /// <summary>Number of labels: one per concept.</summary>
    public static int Count => ConceptCatalog.All.Count;

    /// <summary>1 for each concept the spec shows, 0 elsewhere.</summary>
    public static float[] Encode(SceneSpec spec)
    {
        var labels = new float[Count];
        foreach (var concept in spec.Concepts) labels[ConceptCatalog.IndexOf(concept.Id)] = 1f;
        return labels;
    }

    /// <summary>A float32 CPU tensor [B, Count] of the specs' labels.</summary>
    public static Tensor EncodeBatch(IReadOnlyList<SceneSpec> specs)
    {
        var data = new float[specs.Count * Count];
        for (int i = 0; i < specs.Count; i++) Encode(specs[i]).CopyTo(data, i * Count);
        return tensor(data, new long[] { specs.Count, Count });
    }

    /// <summary>
    /// Reads one decision per category from per-concept probabilities: the most probable concept of the category,
    /// or none for an optional category whose best probability is below <paramref name="threshold"/>.
    /// </summary>
    public static IReadOnlyDictionary<ConceptCategory, Concept?> Decide(ReadOnlySpan<float> probabilities, float threshold = 0.5f)
    {
        var decisions = new Dictionary<ConceptCategory, Concept?>();
        foreach (ConceptCategory category in Enum.GetValues<ConceptCategory>())
        {
            Concept? best = null;
            float bestProbability = -1f;
            foreach (var concept in ConceptCatalog.InCategory(category))
            {
                float p = probabilities[ConceptCatalog.IndexOf(concept.Id)];
                if (p > bestProbability) (best, bestProbability) = (concept, p);
            }
            bool optional = best!.IsOptional;
            decisions[category] = optional && bestProbability < threshold ? null : best;
        }
        return decisions;
    }
}

using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>
/// Chooses which LoRAs are composed, as the ComposLoRA testbed does: N LoRAs of N distinct categories, always one
/// character when a character LoRA exists, picked by a seeded shuffle of every such set so the choice is the same on
/// every machine and for every method.
/// </summary>
public static class QualityCombinations
{
    /// <summary>
    /// The first <paramref name="count"/> sets of a seeded shuffle of all valid sets of <paramref name="n"/> LoRAs
    /// (fewer when fewer exist). The shuffle depends only on (<paramref name="seed"/>, n) and the available concepts.
    /// </summary>
    public static IReadOnlyList<QualityCombination> Choose(IReadOnlyList<QualityLora> loras, int n, int count, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var ordered = loras.OrderBy(l => ConceptCatalog.IndexOf(l.Concept.Id)).ToArray();
        bool needCharacter = ordered.Any(l => l.Concept.Category == ConceptCategory.Character);
        var all = new List<QualityLora[]>();
        Enumerate(ordered, n, 0, new List<QualityLora>(), all);
        var valid = all.Where(set => !needCharacter || set.Any(l => l.Concept.Category == ConceptCategory.Character)).ToList();

        // Fisher–Yates with the world's generator: stable across runtimes, unlike System.Random's.
        var random = new WorldRandom(WorldRandom.Derive(seed, n));
        for (int i = valid.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (valid[i], valid[j]) = (valid[j], valid[i]);
        }
        return valid.Take(count).Select((set, i) => new QualityCombination(n, i + 1, set)).ToArray();
    }

    // Sets in lexicographic catalogue order with at most one LoRA per category.
    private static void Enumerate(QualityLora[] loras, int n, int start, List<QualityLora> current, List<QualityLora[]> into)
    {
        if (current.Count == n)
        {
            into.Add(current.ToArray());
            return;
        }
        for (int i = start; i < loras.Length; i++)
        {
            if (current.Any(l => l.Concept.Category == loras[i].Concept.Category)) continue;
            current.Add(loras[i]);
            Enumerate(loras, n, i + 1, current, into);
            current.RemoveAt(current.Count - 1);
        }
    }
}

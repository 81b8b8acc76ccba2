using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>Aggregates finished images into the method × N table and the per-category table.</summary>
public static class QualitySummary
{
    /// <summary>Label of the reference rows: the classifier on rendered ground truth of the same combinations.</summary>
    public const string Rendered = "rendered";

    /// <summary>
    /// One row per (method, N) that has images, in the order of <paramref name="methodOrder"/> then N. Records of
    /// <see cref="Rendered"/> get no time or evaluation figures.
    /// </summary>
    public static IReadOnlyList<QualityRow> Rows(IEnumerable<QualityRecord> records, IReadOnlyList<string> methodOrder)
    {
        return records
            .GroupBy(r => (r.Method, r.N))
            .OrderBy(g => Rank(methodOrder, g.Key.Method)).ThenBy(g => g.Key.N)
            .Select(g =>
            {
                var list = g.ToList();
                int requested = list.Sum(r => r.Concepts.Count);
                int detected = list.Sum(r => r.Concepts.Count(r.Detected.Contains));
                bool reference = g.Key.Method == Rendered;
                return new QualityRow(g.Key.Method, g.Key.N, list.Count,
                    requested == 0 ? 0 : (double)detected / requested,
                    (double)list.Count(r => r.AllPresent) / list.Count,
                    reference ? null : list.Average(r => r.Seconds),
                    reference ? null : list.Average(r => r.FullEvaluations),
                    reference ? null : list.Average(r => r.CachedEvaluations));
            })
            .ToArray();
    }

    /// <summary>Per method and category (over every N): how many requested concepts of that category were detected.</summary>
    public static IReadOnlyList<QualityCategoryRow> Categories(IEnumerable<QualityRecord> records, IReadOnlyList<string> methodOrder)
    {
        var rows = new List<QualityCategoryRow>();
        foreach (var group in records.GroupBy(r => r.Method).OrderBy(g => Rank(methodOrder, g.Key)))
            foreach (var category in Enum.GetValues<ConceptCategory>())
            {
                int requested = 0, detected = 0;
                foreach (var record in group)
                    foreach (var id in record.Concepts.Where(id => ConceptCatalog.Get(id).Category == category))
                    {
                        requested++;
                        if (record.Detected.Contains(id)) detected++;
                    }
                if (requested > 0) rows.Add(new QualityCategoryRow(group.Key, category, requested, detected));
            }
        return rows;
    }

    // The reference row first, then the requested order; unknown labels (from an earlier run with other methods) last.
    private static int Rank(IReadOnlyList<string> order, string method)
    {
        if (method == Rendered) return -1;
        int index = order.ToList().IndexOf(method);
        return index < 0 ? int.MaxValue : index;
    }
}

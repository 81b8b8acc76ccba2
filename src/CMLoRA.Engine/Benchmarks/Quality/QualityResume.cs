namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>
/// Decides whether the images already in results.jsonl still belong to the rows asked for. Methods other than CMLoRA
/// have no settings beyond settings.json. A CMLoRA row is identified by its label, and every image records the row's
/// <see cref="CmLoraVariant.Definition"/>: a row whose definition changed since (a variant edited under the same name, or
/// new defaults behind the plain cmlora row) is refused, not recomputed, so that one folder never mixes two meanings of a
/// label and an edit by mistake does not silently throw away hours of images.
/// </summary>
public static class QualityResume
{
    /// <summary>
    /// What results.jsonl lines written before definitions were recorded were made with: CMLoRA's defaults of that time
    /// (dominant every 2, others every 4, max age 8, late phase from 0.55, no decay, caches and batching on, category
    /// order) at the label's cut. Spelled out rather than read from <c>new CmLoraOptions()</c>, which may change.
    /// </summary>
    public const string LegacyDefaults = "dom=2,nondom=4,maxage=8,phase=0.55,decay=off,cache=on,batch=on,order=category";

    /// <summary>The definition <paramref name="record"/> was made with; null for methods other than CMLoRA.</summary>
    public static string? DefinitionOf(QualityRecord record)
    {
        if (record.Options is { } recorded) return recorded;
        if (record.Method == CmLoraVariant.Default.Label) return $"{LegacyDefaults},cut=0.1";
        var parts = record.Method.Split('-');
        return parts is ["cmlora", var block, var layer] ? $"{LegacyDefaults},cut={block}.{layer}" : null;
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when a record of <paramref name="records"/> (read from
    /// <paramref name="resultsPath"/>) has the label of a CMLoRA row of <paramref name="methods"/> but other settings.
    /// </summary>
    public static void Check(string resultsPath, IEnumerable<QualityRecord> records, IReadOnlyList<QualityMethod> methods)
    {
        var wanted = methods.Where(m => m.Variant is not null).ToDictionary(m => m.Label, m => m.Variant!.Definition, StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (!wanted.TryGetValue(record.Method, out var now)) continue;
            string? then = DefinitionOf(record);
            if (then != now)
                throw new ArgumentException($"{record.Method} in {resultsPath} was made with other settings ({then ?? "not recorded"}; now {now}); " +
                                            "give the new settings another variant name or use another --out");
        }
    }
}

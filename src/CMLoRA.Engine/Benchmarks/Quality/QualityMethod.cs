using System.Globalization;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.FeatureCache;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>A row of the benchmark: a composition method and, for CMLoRA, where its cached evaluations cut the UNet.</summary>
/// <param name="Method">None (the base model with the same prompt), Merge, Switch, Composite or CMLoRA.</param>
/// <param name="CachePoint">CMLoRA only: the cache point; null = the generator's default (0, 1).</param>
public sealed record QualityMethod(CompositionMethod Method, FeatureCachePoint? CachePoint = null)
{
    /// <summary>None, Merge, Switch, Composite and CMLoRA at the default cache point.</summary>
    public static IReadOnlyList<QualityMethod> Defaults { get; } =
        [new(CompositionMethod.None), new(CompositionMethod.Merge), new(CompositionMethod.Switch), new(CompositionMethod.Composite), new(CompositionMethod.CmLora)];

    /// <summary>Stable name used in results, tables and file names: none, merge, switch, composite, cmlora or cmlora-B-L.</summary>
    public string Label => Method switch
    {
        CompositionMethod.CmLora when CachePoint is { } p => string.Create(CultureInfo.InvariantCulture, $"cmlora-{p.DownBlock}-{p.Layer}"),
        _ => Method.ToString().ToLowerInvariant(),
    };

    /// <summary>The options the method runs with (the methods' defaults).</summary>
    public CompositionOptions? Options => Method == CompositionMethod.CmLora ? new CmLoraOptions() : null;

    /// <summary>
    /// Parses "none,merge,switch,composite,cmlora" and CMLoRA cache points "0,1;0,0": with cache points, CMLoRA runs
    /// once per point (labels cmlora-0-1, cmlora-0-0) so that the default can be chosen from the table.
    /// </summary>
    public static IReadOnlyList<QualityMethod> Parse(string methods, string? cmLoraCachePoints = null)
    {
        var points = ParseCachePoints(cmLoraCachePoints);
        var result = new List<QualityMethod>();
        foreach (var name in methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var method = name.ToLowerInvariant() switch
            {
                "none" => CompositionMethod.None,
                "merge" => CompositionMethod.Merge,
                "switch" => CompositionMethod.Switch,
                "composite" => CompositionMethod.Composite,
                "cmlora" => CompositionMethod.CmLora,
                _ => throw new ArgumentException($"unknown method '{name}': use none, merge, switch, composite or cmlora"),
            };
            if (method == CompositionMethod.CmLora && points.Count > 0) result.AddRange(points.Select(p => new QualityMethod(method, p)));
            else result.Add(new QualityMethod(method));
        }
        if (result.Count == 0) throw new ArgumentException("no methods given");
        var duplicate = result.GroupBy(m => m.Label).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"method '{duplicate.Key}' is listed twice");
        if (points.Count > 0 && result.All(m => m.Method != CompositionMethod.CmLora))
            throw new ArgumentException("cache points were given but cmlora is not among the methods");
        return result;
    }

    /// <summary>Parses "B,L;B,L" into cache points; empty or null gives none.</summary>
    public static IReadOnlyList<FeatureCachePoint> ParseCachePoints(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var points = new List<FeatureCachePoint>();
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var numbers = part.Split(',', StringSplitOptions.TrimEntries);
            if (numbers.Length != 2
                || !int.TryParse(numbers[0], NumberStyles.None, CultureInfo.InvariantCulture, out int block)
                || !int.TryParse(numbers[1], NumberStyles.None, CultureInfo.InvariantCulture, out int layer))
                throw new ArgumentException($"cache point '{part}' is not BLOCK,LAYER (e.g. 0,1)");
            points.Add(new FeatureCachePoint(block, layer));
        }
        return points;
    }
}

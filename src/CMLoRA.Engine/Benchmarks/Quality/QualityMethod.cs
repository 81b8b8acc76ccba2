using System.Globalization;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.FeatureCache;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>A row of the benchmark: a composition method and, for CMLoRA, the variant (options, cut, LoRA order) it runs.</summary>
public sealed record QualityMethod
{
    /// <summary>A row of <paramref name="method"/>; CMLoRA without a variant runs <see cref="CmLoraVariant.Default"/>.</summary>
    /// <exception cref="ArgumentException">A variant was given for another method.</exception>
    public QualityMethod(CompositionMethod method, CmLoraVariant? variant = null)
    {
        if (variant is not null && method != CompositionMethod.CmLora)
            throw new ArgumentException($"a CMLoRA variant cannot run {method}", nameof(variant));
        Method = method;
        Variant = method == CompositionMethod.CmLora ? variant ?? CmLoraVariant.Default : null;
    }

    /// <summary>None (the base model with the same prompt), Merge, Switch, Composite or CMLoRA.</summary>
    public CompositionMethod Method { get; }

    /// <summary>CMLoRA only: what the row runs; null for the other methods.</summary>
    public CmLoraVariant? Variant { get; }

    /// <summary>CMLoRA only: the cut of its cached evaluations.</summary>
    public FeatureCachePoint? CachePoint => Variant?.CachePoint;

    /// <summary>None, Merge, Switch, Composite and CMLoRA with its defaults.</summary>
    public static IReadOnlyList<QualityMethod> Defaults { get; } =
        [new(CompositionMethod.None), new(CompositionMethod.Merge), new(CompositionMethod.Switch), new(CompositionMethod.Composite), new(CompositionMethod.CmLora)];

    /// <summary>Stable name used in results and tables: none, merge, switch, composite, cmlora, cmlora-B-L or cmlora:NAME.</summary>
    public string Label => Variant?.Label ?? Method.ToString().ToLowerInvariant();

    /// <summary>The options the method runs with: the variant's for CMLoRA, the method's defaults (null) otherwise.</summary>
    public CompositionOptions? Options => Variant?.Options;

    /// <summary>
    /// Parses "none,merge,switch,composite,cmlora". With CMLoRA cache points ("0,1;0,0") or variants
    /// (<see cref="CmLoraVariantSyntax"/>), cmlora stands for one row per point (cmlora-0-1, …) or per variant
    /// (cmlora:NAME, …), so that the defaults can be chosen from the table.
    /// </summary>
    public static IReadOnlyList<QualityMethod> Parse(string methods, string? cmLoraCachePoints = null, string? cmLoraVariants = null)
    {
        var points = ParseCachePoints(cmLoraCachePoints);
        var variants = CmLoraVariantSyntax.ParseList(cmLoraVariants);
        if (points.Count > 0 && variants.Count > 0)
            throw new ArgumentException("give --cmlora-cache-points or --cmlora-variants, not both (a variant sets its cut with cut=BLOCK.LAYER)");
        // A cache point is the defaults at another cut: the same thing as a variant, under its historical label.
        var cmLoraRows = points.Count > 0 ? points.Select(CmLoraVariant.AtCachePoint).ToList() : variants;
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
            if (method == CompositionMethod.CmLora && cmLoraRows.Count > 0) result.AddRange(cmLoraRows.Select(v => new QualityMethod(method, v)));
            else result.Add(new QualityMethod(method));
        }
        if (result.Count == 0) throw new ArgumentException("no methods given");
        var duplicate = result.GroupBy(m => m.Label).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"method '{duplicate.Key}' is listed twice");
        if (cmLoraRows.Count > 0 && result.All(m => m.Method != CompositionMethod.CmLora))
            throw new ArgumentException(points.Count > 0
                ? "cache points were given but cmlora is not among the methods"
                : "CMLoRA variants were given but cmlora is not among the methods");
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

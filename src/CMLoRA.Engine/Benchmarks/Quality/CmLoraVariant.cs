using System.Globalization;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.FeatureCache;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>
/// One CMLoRA row of the quality benchmark: its options, the UNet cut its cached evaluations use and the order its LoRAs
/// are given in. The plain <c>cmlora</c> row is <see cref="Default"/>; <c>--cmlora-cache-points</c> gives
/// <see cref="AtCachePoint"/> rows; <c>--cmlora-variants</c> gives named rows (<see cref="CmLoraVariantSyntax"/>).
/// </summary>
/// <param name="Label">The row's name in tables, results and image folders: cmlora, cmlora-B-L or cmlora:NAME.</param>
/// <param name="Options">The options the schedule runs with.</param>
/// <param name="CachePoint">Where cached evaluations cut the UNet (a generator setting).</param>
/// <param name="Order">The order the LoRAs are handed over in, which decides who is dominant when.</param>
public sealed record CmLoraVariant(string Label, CmLoraOptions Options, FeatureCachePoint CachePoint, DominanceOrder Order)
{
    /// <summary>Label prefix of named variants: cmlora:NAME.</summary>
    public const string NamedPrefix = "cmlora:";

    /// <summary>CMLoRA's defaults at the default cut, in category order: the row labelled cmlora.</summary>
    public static CmLoraVariant Default { get; } = new("cmlora", new CmLoraOptions(), FeatureCachePoint.Default, DominanceOrder.Category);

    /// <summary>CMLoRA's defaults at another cut: the row labelled cmlora-B-L (what <c>--cmlora-cache-points</c> makes).</summary>
    public static CmLoraVariant AtCachePoint(FeatureCachePoint point) =>
        new(string.Create(CultureInfo.InvariantCulture, $"cmlora-{point.DownBlock}-{point.Layer}"), new CmLoraOptions(), point, DominanceOrder.Category);

    /// <summary>
    /// Every setting of the row in the variant grammar, all keys spelled out in a fixed order, e.g.
    /// <c>dom=2,nondom=4,maxage=8,phase=0.55,decay=off,cache=on,batch=on,order=category,cut=0.1</c>. results.jsonl stores
    /// it with each image so that a rerun can tell whether a row still means the same thing.
    /// </summary>
    public string Definition => CmLoraVariantSyntax.Format(Options, CachePoint, Order);
}

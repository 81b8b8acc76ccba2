using System.Globalization;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>One image to make: a method, a combination and a seed.</summary>
public sealed record QualityTask(QualityMethod Method, QualityCombination Combination, long Seed)
{
    /// <summary>The <see cref="QualityRecord.Key"/> this image will have.</summary>
    public string Key => QualityRecord.KeyOf(Method.Label, Combination.Name, Seed);

    /// <summary>Where the PNG goes, relative to the output folder.</summary>
    public string ImagePath => ImagePathOf(Method.Label, Combination, Seed);

    /// <summary>images/METHOD/nN-TRIGGERS-sSEED.png.</summary>
    public static string ImagePathOf(string method, QualityCombination combination, long seed) =>
        string.Create(CultureInfo.InvariantCulture, $"images/{method}/n{combination.N}-{combination.Name}-s{seed}.png");
}

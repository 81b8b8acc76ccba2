using System.Globalization;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>One image to make: a method, a combination and a seed.</summary>
public sealed record QualityTask(QualityMethod Method, QualityCombination Combination, long Seed)
{
    /// <summary>The <see cref="QualityRecord.Key"/> this image will have.</summary>
    public string Key => QualityRecord.KeyOf(Method.Label, Combination.Name, Seed);

    /// <summary>Where the PNG goes, relative to the output folder.</summary>
    public string ImagePath => ImagePathOf(Method.Label, Combination, Seed);

    /// <summary>images/METHOD/nN-TRIGGERS-sSEED.png; the ':' of a variant's label becomes '_' (cmlora:c2n4 → images/cmlora_c2n4/).</summary>
    public static string ImagePathOf(string method, QualityCombination combination, long seed) =>
        // ':' is not allowed in Windows file names; labels hold no '_' otherwise, so the folder stays unique.
        string.Create(CultureInfo.InvariantCulture, $"images/{method.Replace(':', '_')}/n{combination.N}-{combination.Name}-s{seed}.png");
}

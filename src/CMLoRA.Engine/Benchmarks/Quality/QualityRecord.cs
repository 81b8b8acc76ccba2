using System.Text.Json.Serialization;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>One finished image of the benchmark: a line of results.jsonl.</summary>
/// <param name="Method">The <see cref="QualityMethod.Label"/>.</param>
/// <param name="N">LoRAs in the combination.</param>
/// <param name="Combination">The combination's <see cref="QualityCombination.Name"/> (trigger words joined by '+').</param>
/// <param name="Seed">Image seed.</param>
/// <param name="Prompt">The prompt as generated.</param>
/// <param name="Concepts">Requested concept ids in category order.</param>
/// <param name="Detected">The requested concept ids the classifier found (see <see cref="ConceptCheck.Score"/>).</param>
/// <param name="Probabilities">The classifier's probability of each requested concept.</param>
/// <param name="Seconds">Wall time of the generation (text encoding, denoising, decoding), classification excluded.</param>
/// <param name="FullEvaluations">UNet evaluations that ran the whole network.</param>
/// <param name="CachedEvaluations">Evaluations that reused a cached deep feature.</param>
/// <param name="UNetCalls">UNet forward calls.</param>
/// <param name="Image">The PNG, relative to the output folder.</param>
/// <param name="Options">
/// CMLoRA rows: the row's <see cref="CmLoraVariant.Definition"/> (every option, the cut and the LoRA order), so that a
/// rerun can refuse a row whose meaning changed (<see cref="QualityResume"/>). Null for the other methods, and in lines
/// written before it was recorded.
/// </param>
public sealed record QualityRecord(
    string Method,
    int N,
    string Combination,
    long Seed,
    string Prompt,
    IReadOnlyList<string> Concepts,
    IReadOnlyList<string> Detected,
    IReadOnlyDictionary<string, float> Probabilities,
    double Seconds,
    int FullEvaluations,
    int CachedEvaluations,
    int UNetCalls,
    string Image,
    string? Options = null)
{
    /// <summary>True when every requested concept was found.</summary>
    [JsonIgnore]
    public bool AllPresent => Concepts.All(Detected.Contains);

    /// <summary>Identifies the image across runs: method, combination and seed.</summary>
    [JsonIgnore]
    public string Key => KeyOf(Method, Combination, Seed);

    /// <summary>The key of an image that may not exist yet.</summary>
    public static string KeyOf(string method, string combination, long seed) => $"{method}|{combination}|{seed}";
}

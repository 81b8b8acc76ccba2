using System.Text.Json.Serialization;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Profiling;

namespace CMLoRA.Engine.Recipes;

/// <summary>One LoRA of a recipe: its name in the generation, content hashes, the user's weight and how CMLoRA ordered it.</summary>
/// <param name="Name">The LoRA's id in the generation (unique within it); also the name written in infotext.</param>
/// <param name="Sha256">SHA-256 of the file, or null when imported from infotext that did not carry it.</param>
/// <param name="AutoV2">First 10 hex of the file's SHA-256.</param>
/// <param name="AutoV3">SHA-256 of the tensor bytes (full, or the 12-hex A1111 short form when imported).</param>
/// <param name="Weight">The user's multiplier λ.</param>
/// <param name="Category">Element category as given to the composition.</param>
/// <param name="FrequencyScore">The profile score the composition used, or null when unprofiled.</param>
/// <param name="Band">CMLoRA only: the frequency group the schedule placed the LoRA in.</param>
/// <param name="BandSource">CMLoRA only: whether its score or its category decided the group.</param>
public sealed record RecipeLora(
    string Name,
    string? Sha256,
    string? AutoV2,
    string? AutoV3,
    float Weight,
    LoraCategory Category = LoraCategory.Other,
    double? FrequencyScore = null,
    FrequencyBand? Band = null,
    BandSource? BandSource = null)
{
    /// <summary>The content hashes as one value, for lookups in a library.</summary>
    [JsonIgnore]
    public LoraHash Hash => new(Sha256, AutoV2, AutoV3);
}

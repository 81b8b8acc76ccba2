using System.Text.Json;
using CMLoRA.Storage;

namespace CMLoRA.Web.Generation;

/// <summary>
/// One generated image's metadata. <see cref="Recipe"/> is everything needed to reproduce it: the engine's recipe, the
/// same JSON as the PNG's cmlora-recipe chunk (docs/recipes.md); <see cref="LoraIds"/> are the library ids of its LoRAs
/// in the recipe's order (null where unknown).
/// </summary>
public sealed record ImageDto(
    Guid Id,
    Guid JobId,
    string OwnerId,
    string OwnerName,
    int BatchIndex,
    int Width,
    int Height,
    long Seed,
    string Method,
    string ModelHash,
    string ModelName,
    Visibility Visibility,
    bool Starred,
    DateTimeOffset CreatedUtc,
    double TextEncodeSeconds,
    double DenoiseSeconds,
    double DecodeSeconds,
    string Infotext,
    JsonElement Recipe,
    IReadOnlyList<Guid?> LoraIds);

/// <summary>Filters of the image history; all optional.</summary>
public sealed record ImageQuery
{
    public string? OwnerId { get; init; }
    public Guid? JobId { get; init; }
    public string? Method { get; init; }
    public bool? Starred { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 48;
}

public sealed record ImagePageDto(IReadOnlyList<ImageDto> Items, int Total, int Page, int PageSize);

/// <summary>What the owner may change on an image; null leaves a value as it is.</summary>
public sealed record ImageUpdate(bool? Starred = null, Visibility? Visibility = null);

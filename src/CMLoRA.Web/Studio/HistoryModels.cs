using CMLoRA.Storage;
using CMLoRA.Web.Generation;

namespace CMLoRA.Web.Studio;

/// <summary>Filters of the history gallery; all optional. Dates are whole UTC days, both ends included.</summary>
public sealed record HistoryFilter
{
    public string? OwnerId { get; init; }
    public Guid? LoraId { get; init; }

    /// <summary>Images that used every LoRA of this collection.</summary>
    public Guid? CollectionId { get; init; }

    /// <summary>Engine method name as stored (None, Merge, Switch, Composite, CmLora).</summary>
    public string? Method { get; init; }
    public DateTime? From { get; init; }
    public DateTime? To { get; init; }
    public bool? Starred { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 48;
}

/// <summary>A gallery thumbnail: who, how, and the prompt to show on hover.</summary>
public sealed record HistoryItem(
    Guid Id, Guid JobId, string OwnerId, string OwnerName, string Method, long Seed, int Width, int Height, bool Starred,
    Visibility Visibility, DateTimeOffset CreatedUtc, string Prompt, IReadOnlyList<string> LoraNames)
{
    public string PngUrl => $"api/images/{Id}/png";

    /// <summary>"CmLora: a, b" or "None".</summary>
    public string Label => LoraNames.Count == 0 ? "No LoRA" : $"{Method}: {string.Join(", ", LoraNames)}";
}

public sealed record HistoryPage(IReadOnlyList<HistoryItem> Items, int Total, int Page, int PageSize);

/// <summary>
/// One cell of an ablation grid: what it runs and, once made, its image; or the job making it; or nothing yet.
/// <see cref="DuplicateOf"/> cells show another cell's image.
/// </summary>
public sealed record AblationCell(
    string Key, string Label, int Row, int Column, string Method, bool IsOriginal, string? DuplicateOf, GenerationRequest Request,
    Guid? ImageId, Guid? JobId);

/// <summary>The ablation of one history image: its grid, in row and column order.</summary>
public sealed record AblationGrid(ImageDto Original, IReadOnlyList<AblationCell> Cells)
{
    /// <summary>Cells that still need a job (no image, no job on the way, not the original, not a duplicate).</summary>
    public IEnumerable<AblationCell> Missing => Cells.Where(c => c.ImageId is null && c.JobId is null && !c.IsOriginal && c.DuplicateOf is null);
}

using CMLoRA.Storage;
using CMLoRA.Storage.Library;

namespace CMLoRA.Web.Library;

/// <summary>A library card.</summary>
public sealed record LoraSummaryDto(
    Guid Id, string Name, LoraCategory Category, string BaseModel, IReadOnlyList<string> TriggerWords, IReadOnlyList<string> Tags,
    string OwnerId, string OwnerName, Visibility Visibility, DateTimeOffset CreatedAt, int UsageCount, string? PreviewUrl,
    long FileSize, int? Rank, string AutoV2, double PreferredWeight, double? FrequencyScore = null, string? FrequencyGroup = null)
{
    /// <summary>True when the preview is a rendered training example of a demo LoRA rather than an image made with it.</summary>
    public bool PreviewIsTrainingExample => Tags.Contains(DemoLoraPreview.Tag, StringComparer.OrdinalIgnoreCase);
}

public sealed record LoraPageDto(IReadOnlyList<LoraSummaryDto> Items, int Total, int Page, int PageSize);

/// <summary>The frequency profile (null fields until the profiler has run).</summary>
public sealed record FrequencyProfileDto(double? Score, string? Group, IReadOnlyList<double>? RadialSpectrum, DateTimeOffset? ProfiledAt,
    string? ChartUrl = null);

public sealed record LoraEditDto(DateTimeOffset At, string UserName, string Field, string? OldValue, string? NewValue);

/// <summary>The detail page: everything the library knows about one LoRA, and what the viewer may do with it.</summary>
public sealed record LoraDetailDto(
    Guid Id, string Name, string FileName, LoraCategory Category, string BaseModel, IReadOnlyList<string> TriggerWords,
    IReadOnlyList<string> SuggestedTriggerWords, IReadOnlyList<string> Tags, double PreferredWeight, string Description, string Notes,
    string Sha256, string AutoV2, string AutoV3, string AutoV3Short, long FileSize, int ModuleCount, string Format, string? OutputName,
    int? Rank, double? Alpha, string? NetworkModule, IReadOnlyDictionary<string, string> Metadata, FrequencyProfileDto Profile,
    string OwnerId, string OwnerName, Visibility Visibility, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? PreviewUrl,
    IReadOnlyList<LoraEditDto> Edits, bool CanEdit, bool CanManage);

/// <summary>An edit of a LoRA's user-maintained fields; null leaves a field as it is.</summary>
public sealed record LoraUpdate
{
    public string? Name { get; init; }
    public LoraCategory? Category { get; init; }
    public IReadOnlyList<string>? TriggerWords { get; init; }
    public double? PreferredWeight { get; init; }
    public string? Description { get; init; }
    public string? Notes { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Only the owner or an admin may change this.</summary>
    public Visibility? Visibility { get; init; }
}

/// <summary>The outcome of storing one file: the LoRA (new or the existing copy) or the reason it was refused.</summary>
public sealed record IngestResultDto(string FileName, bool Stored, bool Duplicate, Guid? LoraId, string? Name, string? Error);

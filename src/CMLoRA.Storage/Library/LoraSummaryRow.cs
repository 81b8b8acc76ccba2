namespace CMLoRA.Storage.Library;

/// <summary>What a library card needs, projected in SQL (no metadata blobs).</summary>
public sealed record LoraSummaryRow(
    Guid Id, string Name, LoraCategory Category, string BaseModel, string TriggerWords, string Tags,
    string OwnerId, string OwnerName, Visibility Visibility, DateTimeOffset CreatedAt, int UsageCount,
    string? PreviewFile, long FileSize, int? Rank, string AutoV2, double PreferredWeight,
    double? FrequencyScore = null, string? FrequencyGroup = null);

/// <summary>One page of rows and the total that matched the filter.</summary>
public sealed record LoraPage(IReadOnlyList<LoraSummaryRow> Items, int Total, int Page, int PageSize);

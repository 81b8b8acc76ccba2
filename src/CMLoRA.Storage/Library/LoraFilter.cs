namespace CMLoRA.Storage.Library;

/// <summary>How the library page is sorted.</summary>
public enum LoraSort
{
    Newest = 0,
    Name = 1,
    Usage = 2,
    Oldest = 3,
}

/// <summary>One page request of the library: free-text search plus filters, sort and paging.</summary>
public sealed record LoraFilter
{
    /// <summary>Matched against name, trigger words, tags and ss_output_name (case-insensitive substring).</summary>
    public string? Search { get; init; }
    public LoraCategory? Category { get; init; }
    public string? BaseModel { get; init; }
    public string? OwnerId { get; init; }
    public Visibility? Visibility { get; init; }
    public LoraSort Sort { get; init; } = LoraSort.Newest;
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 24;

    public const int MaxPageSize = 200;
}

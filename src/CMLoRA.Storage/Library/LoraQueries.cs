using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Storage.Library;

/// <summary>The library's read queries, paged and filtered in SQL so the page stays fast with tens of thousands of LoRAs.</summary>
public static class LoraQueries
{
    /// <summary>The LoRAs <paramref name="viewerId"/> may see: their own, the team's, or all of them for an admin.</summary>
    public static IQueryable<LibraryLora> VisibleTo(this IQueryable<LibraryLora> loras, string viewerId, bool isAdmin) =>
        isAdmin ? loras : loras.Where(l => l.OwnerId == viewerId || l.Visibility == Visibility.Team);

    public static async Task<LoraPage> PageAsync(StudioDbContext db, LoraFilter filter, string viewerId, bool isAdmin,
        CancellationToken cancellationToken = default)
    {
        int pageSize = Math.Clamp(filter.PageSize, 1, LoraFilter.MaxPageSize);
        int page = Math.Max(1, filter.Page);
        var query = db.Loras.AsNoTracking().VisibleTo(viewerId, isAdmin);

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            string pattern = "%" + EscapeLike(filter.Search.Trim()) + "%";
            query = query.Where(l => EF.Functions.Like(l.Name, pattern, "\\") || EF.Functions.Like(l.TriggerWords, pattern, "\\")
                                     || EF.Functions.Like(l.Tags, pattern, "\\") || EF.Functions.Like(l.OutputName ?? "", pattern, "\\"));
        }
        if (filter.Category is { } category) query = query.Where(l => l.Category == category);
        if (!string.IsNullOrEmpty(filter.BaseModel)) query = query.Where(l => l.BaseModel == filter.BaseModel);
        if (!string.IsNullOrEmpty(filter.OwnerId)) query = query.Where(l => l.OwnerId == filter.OwnerId);
        if (filter.Visibility is { } visibility) query = query.Where(l => l.Visibility == visibility);

        int total = await query.CountAsync(cancellationToken).ConfigureAwait(false);
        query = filter.Sort switch
        {
            LoraSort.Name => query.OrderBy(l => l.Name).ThenBy(l => l.Id),
            LoraSort.Usage => query.OrderByDescending(l => l.UsageCount).ThenBy(l => l.Name),
            LoraSort.Oldest => query.OrderBy(l => l.CreatedAt).ThenBy(l => l.Id),
            _ => query.OrderByDescending(l => l.CreatedAt).ThenBy(l => l.Id),
        };
        var items = await query.Skip((page - 1) * pageSize).Take(pageSize)
            .Select(l => new LoraSummaryRow(l.Id, l.Name, l.Category, l.BaseModel, l.TriggerWords, l.Tags, l.OwnerId,
                l.Owner!.DisplayName, l.Visibility, l.CreatedAt, l.UsageCount, l.PreviewFile, l.FileSize, l.Rank, l.AutoV2, l.PreferredWeight,
                l.FrequencyScore, l.FrequencyGroup))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new LoraPage(items, total, page, pageSize);
    }

    /// <summary>Base-model families present in the library (for the filter menu).</summary>
    public static async Task<IReadOnlyList<string>> BaseModelsAsync(StudioDbContext db, string viewerId, bool isAdmin, CancellationToken cancellationToken = default) =>
        await db.Loras.AsNoTracking().VisibleTo(viewerId, isAdmin).Select(l => l.BaseModel).Distinct().OrderBy(b => b)
            .ToListAsync(cancellationToken).ConfigureAwait(false);

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}

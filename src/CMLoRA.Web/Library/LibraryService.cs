using System.Text.Json;
using CMLoRA.Storage;
using CMLoRA.Storage.Library;
using CMLoRA.Web.Accounts;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.Library;

/// <summary>Reads and edits the library on behalf of a user; every method checks what that user may see and change.</summary>
public sealed class LibraryService(IDbContextFactory<StudioDbContext> dbFactory, PreviewImages previews, CMLoRA.Web.Configuration.StudioPaths paths,
    LibraryProfiles profiles, ILogger<LibraryService> logger)
{
    public const double MinWeight = -5, MaxWeight = 5;

    public async Task<LoraPageDto> PageAsync(CurrentUser user, LoraFilter filter, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var page = await LoraQueries.PageAsync(db, filter, user.Id, user.IsAdmin, cancellationToken);
        return new LoraPageDto(page.Items.Select(ToSummary).ToList(), page.Total, page.Page, page.PageSize);
    }

    public async Task<IReadOnlyList<string>> BaseModelsAsync(CurrentUser user, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await LoraQueries.BaseModelsAsync(db, user.Id, user.IsAdmin, cancellationToken);
    }

    /// <summary>Accounts that own LoRAs the user can see (the owner filter).</summary>
    public async Task<IReadOnlyList<(string Id, string Name)>> OwnersAsync(CurrentUser user, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owners = await db.Loras.AsNoTracking().VisibleTo(user.Id, user.IsAdmin)
            .Select(l => new { l.OwnerId, l.Owner!.DisplayName }).Distinct().ToListAsync(cancellationToken);
        return owners.OrderBy(o => o.DisplayName).Select(o => (o.OwnerId, o.DisplayName)).ToList();
    }

    public async Task<LoraDetailDto?> GetAsync(CurrentUser user, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var lora = await db.Loras.AsNoTracking().Include(l => l.Owner).FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lora == null || !LibraryAccess.CanView(user, lora)) return null;
        var edits = await db.LoraEdits.AsNoTracking().Where(e => e.LoraId == id).OrderByDescending(e => e.At).Take(100)
            .Select(e => new LoraEditDto(e.At, e.User!.DisplayName, e.Field, e.OldValue, e.NewValue)).ToListAsync(cancellationToken);
        return ToDetail(lora, edits, user, profiles.Has(lora.Sha256));
    }

    public async Task<ServiceResult<LoraDetailDto>> UpdateAsync(CurrentUser user, Guid id, LoraUpdate update, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var lora = await db.Loras.FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lora == null || !LibraryAccess.CanView(user, lora)) return ServiceResult<LoraDetailDto>.NotFound();
        if (!LibraryAccess.CanEdit(user, lora)) return ServiceResult<LoraDetailDto>.Forbidden("you may not edit this LoRA");
        if (update.Visibility is { } v && v != lora.Visibility && !LibraryAccess.CanManage(user, lora))
            return ServiceResult<LoraDetailDto>.Forbidden("only the owner or an admin may change who sees this LoRA");
        if (Validate(update) is { } problem) return ServiceResult<LoraDetailDto>.Invalid(problem);

        var edits = new List<LoraEdit>();
        void Change(string field, string? before, string? after, Action apply)
        {
            if (after == null || string.Equals(before, after, StringComparison.Ordinal)) return;
            apply();
            edits.Add(new LoraEdit { LoraId = id, UserId = user.Id, Field = field, OldValue = before, NewValue = after });
        }
        Change("name", lora.Name, update.Name?.Trim(), () => lora.Name = update.Name!.Trim());
        Change("category", lora.Category.ToString(), update.Category?.ToString(), () => lora.Category = update.Category!.Value);
        Change("trigger words", lora.TriggerWords, Join(update.TriggerWords), () => lora.TriggerWords = Join(update.TriggerWords)!);
        Change("preferred weight", Format(lora.PreferredWeight), update.PreferredWeight is { } w ? Format(w) : null, () => lora.PreferredWeight = update.PreferredWeight!.Value);
        Change("description", lora.Description, update.Description, () => lora.Description = update.Description!);
        Change("notes", lora.Notes, update.Notes, () => lora.Notes = update.Notes!);
        Change("tags", lora.Tags, Join(update.Tags), () => lora.Tags = Join(update.Tags)!);
        Change("visibility", lora.Visibility.ToString(), update.Visibility?.ToString(), () => lora.Visibility = update.Visibility!.Value);

        if (edits.Count > 0)
        {
            lora.UpdatedAt = DateTimeOffset.UtcNow;
            lora.UpdatedById = user.Id;
            db.LoraEdits.AddRange(edits);
            await db.SaveChangesAsync(cancellationToken);
        }
        return ServiceResult<LoraDetailDto>.Ok((await GetAsync(user, id, cancellationToken))!);
    }

    /// <summary>Removes the LoRA's row, its thumbnail and, when no other row shares the content, its file.</summary>
    public async Task<ServiceResult<bool>> DeleteAsync(CurrentUser user, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var lora = await db.Loras.FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lora == null || !LibraryAccess.CanView(user, lora)) return ServiceResult<bool>.NotFound();
        if (!LibraryAccess.CanManage(user, lora)) return ServiceResult<bool>.Forbidden("only the owner or an admin may delete this LoRA");
        db.Loras.Remove(lora);
        await db.SaveChangesAsync(cancellationToken);
        previews.TryDelete(lora.PreviewFile);
        if (!await db.Loras.AnyAsync(l => l.Sha256 == lora.Sha256, cancellationToken))
        {
            try { File.Delete(paths.LoraFile(lora.Sha256)); }
            catch (IOException e) { logger.LogWarning(e, "Could not delete the file of LoRA {Id}", id); }
        }
        logger.LogInformation("LoRA {Name} ({Id}) deleted by {User}", lora.Name, id, user.DisplayName);
        return ServiceResult<bool>.Ok(true);
    }

    /// <summary>Replaces the preview with a thumbnail of <paramref name="image"/>.</summary>
    public async Task<ServiceResult<LoraDetailDto>> SetPreviewAsync(CurrentUser user, Guid id, Stream image, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var lora = await db.Loras.FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lora == null || !LibraryAccess.CanView(user, lora)) return ServiceResult<LoraDetailDto>.NotFound();
        if (!LibraryAccess.CanEdit(user, lora)) return ServiceResult<LoraDetailDto>.Forbidden("you may not edit this LoRA");
        string thumbnail;
        try
        {
            thumbnail = await previews.CreateThumbnailAsync(image, cancellationToken);
        }
        catch (LoraRejectedException e)
        {
            return ServiceResult<LoraDetailDto>.Invalid(e.Message);
        }
        string? old = lora.PreviewFile;
        lora.PreviewFile = thumbnail;
        lora.UpdatedAt = DateTimeOffset.UtcNow;
        lora.UpdatedById = user.Id;
        db.LoraEdits.Add(new LoraEdit { LoraId = id, UserId = user.Id, Field = "preview", OldValue = old == null ? null : "image", NewValue = "new image" });
        await db.SaveChangesAsync(cancellationToken);
        previews.TryDelete(old);
        return ServiceResult<LoraDetailDto>.Ok((await GetAsync(user, id, cancellationToken))!);
    }

    /// <summary>The thumbnail's path when the user may see the LoRA and it has one.</summary>
    public async Task<string?> PreviewPathAsync(CurrentUser user, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var lora = await db.Loras.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lora?.PreviewFile == null || !LibraryAccess.CanView(user, lora)) return null;
        string path = previews.PathOf(lora.PreviewFile);
        return File.Exists(path) ? path : null;
    }

    /// <summary>The frequency-profile chart (SVG) when the user may see the LoRA and its whole profile is stored.</summary>
    public async Task<string?> ProfileChartAsync(CurrentUser user, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var lora = await db.Loras.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lora == null || !LibraryAccess.CanView(user, lora)) return null;
        return profiles.ChartSvg(lora.Name, lora.Sha256);
    }

    private static string? Validate(LoraUpdate update)
    {
        if (update.Name != null && (update.Name.Trim().Length == 0 || update.Name.Trim().Length > LoraFileNames.MaxDisplayLength))
            return $"the name must have 1 to {LoraFileNames.MaxDisplayLength} characters";
        if (update.PreferredWeight is { } w && (!double.IsFinite(w) || w < MinWeight || w > MaxWeight))
            return $"the preferred weight must be between {MinWeight} and {MaxWeight}";
        if (update.Category is { } c && !Enum.IsDefined(c)) return "unknown category";
        if (update.Visibility is { } v && !Enum.IsDefined(v)) return "unknown visibility";
        if (update.TriggerWords?.Any(t => t.Length > 200) == true || update.Tags?.Any(t => t.Length > 64) == true)
            return "trigger words may have 200 characters each and tags 64";
        if ((update.Description?.Length ?? 0) > 20_000 || (update.Notes?.Length ?? 0) > 20_000)
            return "description and notes may have 20,000 characters each";
        return null;
    }

    private static string? Join(IReadOnlyList<string>? words) => words == null
        ? null
        : string.Join(", ", words.SelectMany(WordLists.Split).Distinct(StringComparer.OrdinalIgnoreCase));

    private static string Format(double value) => value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    public static string? PreviewUrl(Guid id, string? previewFile) =>
        previewFile == null ? null : $"/api/loras/{id}/preview?v={Path.GetFileNameWithoutExtension(previewFile)[..8]}";

    private static LoraSummaryDto ToSummary(LoraSummaryRow row) => new(
        row.Id, row.Name, row.Category, row.BaseModel, WordLists.Split(row.TriggerWords).ToList(), WordLists.Split(row.Tags).ToList(),
        row.OwnerId, row.OwnerName, row.Visibility, row.CreatedAt, row.UsageCount, PreviewUrl(row.Id, row.PreviewFile), row.FileSize, row.Rank,
        row.AutoV2, row.PreferredWeight, row.FrequencyScore, row.FrequencyGroup);

    private static LoraDetailDto ToDetail(LibraryLora l, IReadOnlyList<LoraEditDto> edits, CurrentUser user, bool hasChart)
    {
        var metadata = JsonSerializer.Deserialize<Dictionary<string, string>>(l.MetadataJson) ?? [];
        var spectrum = l.RadialSpectrumJson == null ? null : JsonSerializer.Deserialize<double[]>(l.RadialSpectrumJson);
        return new LoraDetailDto(
            l.Id, l.Name, l.FileName, l.Category, l.BaseModel, WordLists.Split(l.TriggerWords).ToList(),
            WordLists.Split(l.SuggestedTriggerWords).ToList(), WordLists.Split(l.Tags).ToList(), l.PreferredWeight,
            l.Description, l.Notes, l.Sha256, l.AutoV2, l.AutoV3, l.AutoV3[..Math.Min(12, l.AutoV3.Length)], l.FileSize, l.ModuleCount, l.Format,
            l.OutputName, l.Rank, l.Alpha, l.NetworkModule, new SortedDictionary<string, string>(metadata, StringComparer.Ordinal),
            new FrequencyProfileDto(l.FrequencyScore, l.FrequencyGroup, spectrum, l.ProfiledAt,
                hasChart && l.ProfiledAt is { } at ? $"/api/loras/{l.Id}/profile.svg?v={at.ToUnixTimeSeconds()}" : null),
            l.OwnerId, l.Owner?.DisplayName ?? "", l.Visibility, l.CreatedAt, l.UpdatedAt, PreviewUrl(l.Id, l.PreviewFile), edits,
            LibraryAccess.CanEdit(user, l), LibraryAccess.CanManage(user, l));
    }
}

using System.Text.Json;
using CMLoRA.Storage;
using CMLoRA.Storage.Generation;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Configuration;
using CMLoRA.Web.Library;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.Generation;

/// <summary>
/// The image history: a user sees their own images and the team's; admins see all. Only the owner stars an image or
/// changes its visibility. Images others may not see do not exist for them (null / NotFound).
/// </summary>
public sealed class ImageService(IDbContextFactory<StudioDbContext> dbFactory, StudioPaths paths)
{
    public const int MaxPageSize = 200;

    public static bool CanView(CurrentUser user, GeneratedImage image) =>
        user.IsAdmin || image.OwnerId == user.Id || image.Visibility == Visibility.Team;

    /// <summary>One page of the images the user may see, newest first.</summary>
    public async Task<ImagePageDto> ListAsync(CurrentUser user, ImageQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var images = db.GeneratedImages.AsNoTracking();
        if (!user.IsAdmin) images = images.Where(i => i.OwnerId == user.Id || i.Visibility == Visibility.Team);
        if (!string.IsNullOrEmpty(query.OwnerId)) images = images.Where(i => i.OwnerId == query.OwnerId);
        if (query.JobId is { } job) images = images.Where(i => i.JobId == job);
        if (!string.IsNullOrEmpty(query.Method)) images = images.Where(i => i.Method.ToLower() == query.Method.ToLower());
        if (query.Starred is { } starred) images = images.Where(i => i.Starred == starred);

        int page = Math.Max(1, query.Page), size = Math.Clamp(query.PageSize, 1, MaxPageSize);
        int total = await images.CountAsync(cancellationToken);
        var rows = await images.OrderByDescending(i => i.CreatedUtc).ThenBy(i => i.BatchIndex)
            .Skip((page - 1) * size).Take(size).ToListAsync(cancellationToken);
        var names = await GenerationService.OwnerNamesAsync(db, rows.Select(r => r.OwnerId), cancellationToken);
        return new ImagePageDto(rows.Select(r => ToDto(r, names)).ToList(), total, page, size);
    }

    /// <summary>One image's metadata and recipe, or null.</summary>
    public async Task<ImageDto?> GetAsync(CurrentUser user, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var image = await db.GeneratedImages.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (image is null || !CanView(user, image)) return null;
        return ToDto(image, await GenerationService.OwnerNamesAsync(db, [image.OwnerId], cancellationToken));
    }

    /// <summary>The PNG's path on disk, or null when the user may not see it (or the file is gone).</summary>
    public async Task<string?> PngPathAsync(CurrentUser user, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var image = await db.GeneratedImages.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (image is null || !CanView(user, image)) return null;
        string path = paths.ImageFile(image.FileName);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Stars or un-stars an image, or changes its visibility (owner only).</summary>
    public async Task<ServiceResult<ImageDto>> UpdateAsync(CurrentUser user, Guid id, ImageUpdate update, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var image = await db.GeneratedImages.FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (image is null || !CanView(user, image)) return ServiceResult<ImageDto>.NotFound();
        if (image.OwnerId != user.Id) return ServiceResult<ImageDto>.Forbidden("only the image's owner may change it");
        if (update.Visibility is { } visibility && !Enum.IsDefined(visibility)) return ServiceResult<ImageDto>.Invalid("Visibility must be Private or Team.");
        if (update.Starred is { } starred) image.Starred = starred;
        if (update.Visibility is { } v) image.Visibility = v;
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<ImageDto>.Ok(ToDto(image, await GenerationService.OwnerNamesAsync(db, [image.OwnerId], cancellationToken)));
    }

    /// <summary>The request that makes this image again exactly (seed included, batch of one), or null.</summary>
    public async Task<GenerationRequest?> RerunRequestAsync(CurrentUser user, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var image = await db.GeneratedImages.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (image is null || !CanView(user, image)) return null;
        return StoredRecipe.Read(image.RecipeJson, image.LoraIds)?.ToRequest();
    }

    /// <summary>The image's recipe as the studio reads it (old shapes converted), or null when the user may not see it.</summary>
    public async Task<StoredRecipe?> RecipeAsync(CurrentUser user, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var image = await db.GeneratedImages.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        return image is null || !CanView(user, image) ? null : StoredRecipe.Read(image.RecipeJson, image.LoraIds);
    }

    private static readonly JsonElement EmptyObject = JsonSerializer.SerializeToElement(new { });

    private static ImageDto ToDto(GeneratedImage i, IReadOnlyDictionary<string, string> names)
    {
        // Every image answers with the engine's recipe; images stored in the studio's older shape are converted.
        var stored = StoredRecipe.Read(i.RecipeJson, i.LoraIds);
        JsonElement recipe;
        if (stored is { Legacy: false })
        {
            using var document = JsonDocument.Parse(i.RecipeJson);
            recipe = document.RootElement.Clone();
        }
        else recipe = stored?.ToJson() ?? EmptyObject;
        string modelName = i.ModelName.Length > 0 ? i.ModelName : stored?.Recipe.Model.Name ?? "";
        return new ImageDto(i.Id, i.JobId, i.OwnerId, names.GetValueOrDefault(i.OwnerId, ""), i.BatchIndex, i.Width, i.Height, i.Seed, i.Method,
            i.ModelHash, modelName, i.Visibility, i.Starred, i.CreatedUtc, i.TextEncodeSeconds, i.DenoiseSeconds, i.DecodeSeconds, i.Infotext,
            recipe, stored?.LoraIds ?? []);
    }
}

using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Recipes;
using CMLoRA.Storage;
using CMLoRA.Storage.Generation;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Collections;
using CMLoRA.Web.Generation;
using CMLoRA.Web.Library;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.Studio;

/// <summary>
/// The history pages' queries: the filtered gallery, images of the same seed made with other methods, and the
/// one-click ablation (plan from <see cref="AblationPlan"/>, jobs through <see cref="GenerationService"/>). A user sees
/// exactly the images <see cref="ImageService.CanView"/> allows: their own, the team's, and every image for admins.
/// </summary>
public sealed class HistoryService(IDbContextFactory<StudioDbContext> dbFactory, ImageService images, GenerationService generation,
    CollectionService collections)
{
    /// <summary>One page of the gallery, newest first.</summary>
    public async Task<HistoryPage> GalleryAsync(CurrentUser user, HistoryFilter filter, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = Visible(db, user);
        if (!string.IsNullOrEmpty(filter.OwnerId)) query = query.Where(i => i.OwnerId == filter.OwnerId);
        if (!string.IsNullOrEmpty(filter.Method)) query = query.Where(i => i.Method == filter.Method);
        if (filter.Starred is { } starred) query = query.Where(i => i.Starred == starred);
        if (filter.From is { } from)
        {
            var start = new DateTimeOffset(from.Date, TimeSpan.Zero);
            query = query.Where(i => i.CreatedUtc >= start);
        }
        if (filter.To is { } to)
        {
            var end = new DateTimeOffset(to.Date.AddDays(1), TimeSpan.Zero);
            query = query.Where(i => i.CreatedUtc < end);
        }
        // The LoraIds column names each LoRA by library id (older rows: their recipe JSON, "libraryId":"…"); a collection means all of its LoRAs.
        var loraIds = new List<Guid>();
        if (filter.LoraId is { } lora) loraIds.Add(lora);
        if (filter.CollectionId is { } collectionId)
        {
            var collection = await collections.GetAsync(user, collectionId, cancellationToken);
            if (collection is null) return new HistoryPage([], 0, 1, filter.PageSize);
            loraIds.AddRange(collection.Items.Where(i => i.LoraId is not null).Select(i => i.LoraId!.Value));
        }
        foreach (var id in loraIds.Distinct())
        {
            string column = id.ToString("D"), needle = $"\"libraryId\":\"{id}\"";
            query = query.Where(i => i.LoraIds.Contains(column) || (i.LoraIds == "" && i.RecipeJson.Contains(needle)));
        }

        int page = Math.Max(1, filter.Page), size = Math.Clamp(filter.PageSize, 1, ImageService.MaxPageSize);
        int total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(i => i.CreatedUtc).ThenBy(i => i.BatchIndex)
            .Skip((page - 1) * size).Take(size).ToListAsync(cancellationToken);
        return new HistoryPage(await ItemsAsync(db, rows, cancellationToken), total, page, size);
    }

    /// <summary>Owners of images the user may see, for the gallery's owner filter.</summary>
    public async Task<IReadOnlyList<(string Id, string Name)>> OwnersAsync(CurrentUser user, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = await Visible(db, user).Select(i => i.OwnerId).Distinct().ToListAsync(cancellationToken);
        var names = await GenerationService.OwnerNamesAsync(db, ids, cancellationToken);
        return ids.Select(id => (id, names.GetValueOrDefault(id, id))).OrderBy(o => o.Item2, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Visible images of the same prompts, sampler, steps, CFG, size and seed as <paramref name="imageId"/>, made with other compositions.</summary>
    public async Task<IReadOnlyList<HistoryItem>> SameSeedAsync(CurrentUser user, Guid imageId, CancellationToken cancellationToken = default)
    {
        var image = await images.GetAsync(user, imageId, cancellationToken);
        var recipe = image is null ? null : await images.RecipeAsync(user, imageId, cancellationToken);
        if (image is null || recipe is null) return [];
        string settings = RecipeKey.SettingsOf(recipe), own = RecipeKey.Of(recipe);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await Visible(db, user).Where(i => i.Seed == image.Seed && i.Width == image.Width && i.Height == image.Height && i.Id != imageId)
            .OrderByDescending(i => i.CreatedUtc).Take(200).ToListAsync(cancellationToken);
        var seen = new HashSet<string> { own };
        var matches = rows.Where(r => RecipeKey.Parse(r.RecipeJson, r.LoraIds) is { } other && RecipeKey.SettingsOf(other) == settings
                                      && seen.Add(RecipeKey.Of(other))).ToList();
        return await ItemsAsync(db, matches, cancellationToken);
    }

    /// <summary>The ablation grid of an image with LoRAs: each cell's image when made, or its queued job; null when the image is not visible or has no LoRAs.</summary>
    public async Task<AblationGrid?> AblationAsync(CurrentUser user, Guid imageId, CancellationToken cancellationToken = default)
    {
        var image = await images.GetAsync(user, imageId, cancellationToken);
        var stored = image is null ? null : await images.RecipeAsync(user, imageId, cancellationToken);
        if (image is null || stored is null || stored.Recipe.Loras.Count == 0 || stored.LoraIds.Any(id => id is null)) return null;

        var plan = AblationPlan.For(stored.Recipe);
        var ids = stored.LorasWithIds.ToDictionary(p => p.Lora.Name, p => p.LibraryId!.Value);
        // Each cell is the recipe's own request (same model, prompts, seed) with the cell's method, options and LoRAs.
        var own = stored.ToRequest();
        var requests = plan.Select(entry => (entry, request: own with
        {
            Method = CompositionSettingsMapper.RequestName(entry.Method),
            Options = entry.Recipe.Options is { } options ? CompositionSettingsMapper.FromEngine(options) : null,
            Loras = entry.Recipe.Loras.Select(l => new LoraUse(ids[l.Name], StoredRecipe.Weight(l.Weight))).ToList(),
            Visibility = image.OwnerId == user.Id ? image.Visibility : Visibility.Private,
        })).ToList();

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var made = new Dictionary<string, Guid>();
        var rows = await Visible(db, user).Where(i => i.Seed == image.Seed && i.Width == image.Width && i.Height == image.Height)
            .OrderByDescending(i => i.CreatedUtc).Select(i => new { i.Id, i.RecipeJson, i.LoraIds }).Take(500).ToListAsync(cancellationToken);
        foreach (var row in rows)
            if (RecipeKey.Parse(row.RecipeJson, row.LoraIds) is { } other) made.TryAdd(RecipeKey.Of(other), row.Id);
        var pending = new Dictionary<string, Guid>();
        var jobs = await db.GenerationJobs.AsNoTracking()
            .Where(j => j.OwnerId == user.Id && (j.Status == GenerationJobStatus.Queued || j.Status == GenerationJobStatus.Running
                                                 || j.Status == GenerationJobStatus.Interrupted))
            .Select(j => new { j.Id, j.RequestJson, j.ModelName }).ToListAsync(cancellationToken);
        foreach (var job in jobs)
            if (System.Text.Json.JsonSerializer.Deserialize<GenerationRequest>(job.RequestJson, GenerationService.Json) is { BatchCount: 1 } q)
                pending.TryAdd(RecipeKey.Of(q, q.Model ?? job.ModelName), job.Id);

        var cells = requests.Select(p =>
        {
            string key = RecipeKey.Of(p.request, p.request.Model ?? "");
            Guid? imageFound = p.entry.IsOriginal ? image.Id : made.TryGetValue(key, out var id) ? id : null;
            Guid? jobFound = imageFound is null && pending.TryGetValue(key, out var jobId) ? jobId : null;
            return new AblationCell(p.entry.Key, p.entry.Label, p.entry.Row, p.entry.Column, Infotext.MethodName(p.entry.Method),
                p.entry.IsOriginal, p.entry.DuplicateOf, p.request, imageFound, jobFound);
        }).ToList();
        return new AblationGrid(image, cells);
    }

    /// <summary>Queues every cell of the grid that has neither an image nor a job; returns the grid and the problems met.</summary>
    public async Task<(AblationGrid? Grid, IReadOnlyList<string> Errors)> QueueAblationAsync(CurrentUser user, Guid imageId,
        CancellationToken cancellationToken = default)
    {
        var grid = await AblationAsync(user, imageId, cancellationToken);
        if (grid is null) return (null, ["This image does not exist, is not shared with you, or has no LoRAs to ablate."]);
        var errors = new List<string>();
        foreach (var cell in grid.Missing.ToList())
        {
            var result = await generation.SubmitAsync(user, cell.Request, cancellationToken);
            if (!result.IsOk) errors.Add($"{cell.Label}: {result.Error}");
        }
        return (await AblationAsync(user, imageId, cancellationToken), errors);
    }

    private static IQueryable<GeneratedImage> Visible(StudioDbContext db, CurrentUser user)
    {
        var query = db.GeneratedImages.AsNoTracking();
        return user.IsAdmin ? query : query.Where(i => i.OwnerId == user.Id || i.Visibility == Visibility.Team);
    }

    private static async Task<IReadOnlyList<HistoryItem>> ItemsAsync(StudioDbContext db, IReadOnlyList<GeneratedImage> rows, CancellationToken cancellationToken)
    {
        var names = await GenerationService.OwnerNamesAsync(db, rows.Select(r => r.OwnerId), cancellationToken);
        return rows.Select(r =>
        {
            var recipe = RecipeKey.Parse(r.RecipeJson, r.LoraIds)?.Recipe;
            return new HistoryItem(r.Id, r.JobId, r.OwnerId, names.GetValueOrDefault(r.OwnerId, ""), r.Method, r.Seed, r.Width, r.Height, r.Starred,
                r.Visibility, r.CreatedUtc, recipe?.Prompt ?? "", recipe?.Loras.Select(l => l.Name).ToList() ?? []);
        }).ToList();
    }
}

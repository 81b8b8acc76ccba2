using System.Text.Json;
using CMLoRA.Storage;
using CMLoRA.Storage.Collections;
using CMLoRA.Storage.Library;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Configuration;
using CMLoRA.Web.Generation;
using CMLoRA.Web.Library;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.Collections;

/// <summary>
/// Creates, edits, duplicates, soft-deletes and restores collections for a user. Anyone may read and duplicate a team
/// collection; only its owner or an admin changes it. Every change writes a new immutable version.
/// </summary>
public sealed class CollectionService(IDbContextFactory<StudioDbContext> dbFactory, StudioPaths paths)
{
    public const int MaxItems = 32;

    private static bool CanView(CurrentUser user, LoraCollection c) =>
        user.IsAdmin || c.OwnerId == user.Id || (c.Visibility == Visibility.Team && !c.IsDeleted);

    private static bool CanEdit(CurrentUser user, LoraCollection c) => user.IsAdmin || c.OwnerId == user.Id;

    public async Task<IReadOnlyList<CollectionSummaryDto>> ListAsync(CurrentUser user, bool deleted = false, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Collections.AsNoTracking().Where(c => c.IsDeleted == deleted);
        query = deleted
            ? query.Where(c => user.IsAdmin || c.OwnerId == user.Id)
            : query.Where(c => user.IsAdmin || c.OwnerId == user.Id || c.Visibility == Visibility.Team);
        return await query.OrderByDescending(c => c.UpdatedAt).Take(500)
            .Select(c => new CollectionSummaryDto(c.Id, c.Name, c.OwnerId, c.Owner!.DisplayName, c.Visibility, c.Method, c.BaseModel,
                c.Items.Count, c.CurrentVersion, c.UpdatedAt, c.IsDeleted))
            .ToListAsync(cancellationToken);
    }

    public async Task<CollectionDetailDto?> GetAsync(CurrentUser user, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var collection = await db.Collections.AsNoTracking().Include(c => c.Owner).Include(c => c.Items)
            .FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (collection == null || !CanView(user, collection)) return null;
        var loras = await LorasAsync(db, collection.Items.Where(i => i.LoraId != null).Select(i => i.LoraId!.Value), cancellationToken);
        var items = collection.Items.OrderBy(i => i.Position).Select(i =>
        {
            var lora = i.LoraId is { } loraId ? loras.GetValueOrDefault(loraId) : null;
            return new CollectionItemDto(i.Position, i.LoraId, lora?.Name ?? i.LoraName, i.Sha256, i.Weight, lora?.BaseModel, MissingReason(user, lora, i) != null);
        }).ToList();
        var versions = await db.CollectionVersions.AsNoTracking().Where(v => v.CollectionId == id).OrderByDescending(v => v.Version)
            .Select(v => new CollectionVersionDto(v.Id, v.Version, v.CreatedAt, v.CreatedBy!.DisplayName, v.Change)).ToListAsync(cancellationToken);
        var preflight = Preflight(user, collection.Items.OrderBy(i => i.Position).ToList(), loras, collection.BaseModel, collection.Method);
        return new CollectionDetailDto(collection.Id, collection.Name, collection.Description, collection.OwnerId, collection.Owner?.DisplayName ?? "",
            collection.Visibility, collection.Method, collection.OptionsJson, CollectionOptions.Read(collection.OptionsJson), collection.BaseModel,
            collection.CurrentVersion,
            versions.FirstOrDefault()?.Id ?? 0, collection.IsDeleted, collection.UpdatedAt, items, versions, preflight, CanEdit(user, collection));
    }

    public async Task<ServiceResult<CollectionDetailDto>> CreateAsync(CurrentUser user, CollectionInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var collection = new LoraCollection { OwnerId = user.Id };
        if (await ApplyAsync(db, user, collection, input, cancellationToken) is { } problem) return ServiceResult<CollectionDetailDto>.Invalid(problem);
        db.Collections.Add(collection);
        AddVersion(db, collection, user, "created");
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<CollectionDetailDto>.Ok((await GetAsync(user, collection.Id, cancellationToken))!);
    }

    public async Task<ServiceResult<CollectionDetailDto>> UpdateAsync(CurrentUser user, Guid id, CollectionInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var collection = await db.Collections.Include(c => c.Items).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (collection == null || !CanView(user, collection)) return ServiceResult<CollectionDetailDto>.NotFound();
        if (!CanEdit(user, collection)) return ServiceResult<CollectionDetailDto>.Forbidden("only the owner or an admin may change this collection; duplicate it to make your own");
        if (collection.IsDeleted) return ServiceResult<CollectionDetailDto>.Invalid("restore the collection before editing it");
        db.CollectionItems.RemoveRange(collection.Items);
        collection.Items = [];
        if (await ApplyAsync(db, user, collection, input, cancellationToken) is { } problem) return ServiceResult<CollectionDetailDto>.Invalid(problem);
        AddVersion(db, collection, user, "edited");
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<CollectionDetailDto>.Ok((await GetAsync(user, id, cancellationToken))!);
    }

    /// <summary>Copies a collection the user can see into a new private collection of theirs.</summary>
    public async Task<ServiceResult<CollectionDetailDto>> DuplicateAsync(CurrentUser user, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var source = await db.Collections.AsNoTracking().Include(c => c.Items).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (source == null || !CanView(user, source)) return ServiceResult<CollectionDetailDto>.NotFound();
        string name = "Copy of " + source.Name;
        var copy = new LoraCollection
        {
            Name = name.Length > 200 ? name[..200] : name, Description = source.Description, OwnerId = user.Id, Visibility = Visibility.Private,
            Method = source.Method, OptionsJson = source.OptionsJson, BaseModel = source.BaseModel,
            Items = source.Items.OrderBy(i => i.Position).Select(i => new LoraCollectionItem
            {
                Position = i.Position, LoraId = i.LoraId, LoraName = i.LoraName, Sha256 = i.Sha256, Weight = i.Weight,
            }).ToList(),
        };
        db.Collections.Add(copy);
        AddVersion(db, copy, user, $"duplicated from “{source.Name}” v{source.CurrentVersion}");
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<CollectionDetailDto>.Ok((await GetAsync(user, copy.Id, cancellationToken))!);
    }

    /// <summary>Soft delete (<paramref name="deleted"/> = true) or undo it; both are recorded as versions.</summary>
    public async Task<ServiceResult<CollectionDetailDto>> SetDeletedAsync(CurrentUser user, Guid id, bool deleted, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var collection = await db.Collections.Include(c => c.Items).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (collection == null || !(CanView(user, collection) || CanEdit(user, collection))) return ServiceResult<CollectionDetailDto>.NotFound();
        if (!CanEdit(user, collection)) return ServiceResult<CollectionDetailDto>.Forbidden("only the owner or an admin may delete this collection");
        if (collection.IsDeleted == deleted) return ServiceResult<CollectionDetailDto>.Ok((await GetAsync(user, id, cancellationToken))!);
        collection.IsDeleted = deleted;
        collection.DeletedAt = deleted ? DateTimeOffset.UtcNow : null;
        AddVersion(db, collection, user, deleted ? "deleted" : "restored");
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<CollectionDetailDto>.Ok((await GetAsync(user, id, cancellationToken))!);
    }

    /// <summary>The pre-flight check of an unsaved recipe (the editor shows it while the user works).</summary>
    public async Task<PreflightReport> PreflightAsync(CurrentUser user, CollectionInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var loras = await LorasAsync(db, input.Items.Select(i => i.LoraId), cancellationToken);
        var items = input.Items.Select((i, position) => new LoraCollectionItem
        {
            Position = position, LoraId = i.LoraId, Weight = i.Weight,
            LoraName = loras.GetValueOrDefault(i.LoraId)?.Name ?? "unknown LoRA", Sha256 = loras.GetValueOrDefault(i.LoraId)?.Sha256 ?? "",
        }).ToList();
        return Preflight(user, items, loras, input.BaseModel, input.Method);
    }

    private PreflightReport Preflight(CurrentUser user, IReadOnlyList<LoraCollectionItem> items, IReadOnlyDictionary<Guid, LibraryLora> loras, string baseModel,
        string method) =>
        PreflightCheck.Run(items.Select(i =>
        {
            var lora = i.LoraId is { } id ? loras.GetValueOrDefault(id) : null;
            return new PreflightCheck.Entry(lora?.Name ?? i.LoraName, i.Sha256, i.Weight, lora?.BaseModel, MissingReason(user, lora, i));
        }).ToList(), baseModel, method);

    private string? MissingReason(CurrentUser user, LibraryLora? lora, LoraCollectionItem item)
    {
        if (lora == null) return "it was deleted from the library";
        if (!LibraryAccess.CanView(user, lora)) return "it is private to its owner, so you cannot use it";
        if (!File.Exists(paths.LoraFile(lora.Sha256))) return $"its file is gone from the server (loras/{lora.Sha256}.safetensors)";
        return null;
    }

    private static async Task<Dictionary<Guid, LibraryLora>> LorasAsync(StudioDbContext db, IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct().ToList();
        return await db.Loras.AsNoTracking().Where(l => wanted.Contains(l.Id)).ToDictionaryAsync(l => l.Id, cancellationToken);
    }

    // Validates the input and copies it onto the entity; returns the problem in words, or null.
    private static async Task<string?> ApplyAsync(StudioDbContext db, CurrentUser user, LoraCollection collection, CollectionInput input, CancellationToken cancellationToken)
    {
        string name = (input.Name ?? "").Trim();
        if (name.Length is 0 or > 200) return "the name must have 1 to 200 characters";
        if (!CollectionMethods.All.Contains(input.Method)) return $"the method must be one of {string.Join(", ", CollectionMethods.All)}";
        if (!BaseModelNames.All.Contains(input.BaseModel)) return $"the base model must be one of {string.Join(", ", BaseModelNames.All)}";
        if (!Enum.IsDefined(input.Visibility)) return "unknown visibility";
        if (input.Items.Count > MaxItems) return $"a collection holds at most {MaxItems} LoRAs";
        if (input.Items.Any(i => !double.IsFinite(i.Weight) || i.Weight < LibraryService.MinWeight || i.Weight > LibraryService.MaxWeight))
            return $"weights must be between {LibraryService.MinWeight} and {LibraryService.MaxWeight}";
        // Typed options, checked exactly as a generation request's (same rules, same messages).
        var settings = input.Options;
        if (settings is null)
        {
            (settings, string? error) = CollectionOptions.Parse(input.OptionsJson);
            if (error is not null) return error;
        }
        var optionErrors = CompositionSettingsValidator.Validate(RequestValidator.ParseMethod(input.Method)!.Value, settings);
        if (optionErrors.Count > 0) return string.Join(" ", optionErrors);

        var loras = await LorasAsync(db, input.Items.Select(i => i.LoraId), cancellationToken);
        // A LoRA the user cannot see is reported like one that does not exist.
        var unknown = input.Items.FirstOrDefault(i => !loras.TryGetValue(i.LoraId, out var l) || !LibraryAccess.CanView(user, l));
        if (unknown != null) return $"LoRA {unknown.LoraId} is not in your library";

        collection.Name = name;
        collection.Description = input.Description ?? "";
        collection.Visibility = input.Visibility;
        collection.Method = input.Method;
        collection.OptionsJson = CollectionOptions.Write(settings);
        collection.BaseModel = input.BaseModel;
        collection.UpdatedAt = DateTimeOffset.UtcNow;
        collection.Items = input.Items.Select((item, position) => new LoraCollectionItem
        {
            CollectionId = collection.Id, Position = position, LoraId = item.LoraId, Weight = item.Weight,
            LoraName = loras[item.LoraId].Name, Sha256 = loras[item.LoraId].Sha256,
        }).ToList();
        return null;
    }

    private static void AddVersion(StudioDbContext db, LoraCollection collection, CurrentUser user, string change)
    {
        collection.CurrentVersion++;
        collection.UpdatedAt = DateTimeOffset.UtcNow;
        var snapshot = new
        {
            collection.Name, collection.Description, Visibility = collection.Visibility.ToString(), collection.Method,
            Options = JsonDocument.Parse(collection.OptionsJson).RootElement, collection.BaseModel, collection.IsDeleted,
            Items = collection.Items.OrderBy(i => i.Position).Select(i => new { i.Position, i.LoraId, i.LoraName, i.Sha256, i.Weight }),
        };
        db.CollectionVersions.Add(new LoraCollectionVersion
        {
            CollectionId = collection.Id, Version = collection.CurrentVersion, CreatedById = user.Id, Change = change,
            SnapshotJson = JsonSerializer.Serialize(snapshot, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
        });
    }
}

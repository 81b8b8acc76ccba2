using System.Security.Cryptography;
using System.Text.Json;
using CMLoRA.Engine.Profiling;
using CMLoRA.Engine.World;
using CMLoRA.Storage;
using CMLoRA.Storage.Library;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CMLoRA.Web.Library;

/// <summary>
/// Registers the demo LoRAs (Studio:DemoLoraDir, default models/builtin/loras) in the library: every .safetensors file
/// goes through the same ingest as an upload, owned by the first administrator and visible to the team, with the
/// category and trigger word of its world concept, a preview (a NAME.preview.png sidecar, else a rendered training
/// example) and its frequency profile (a NAME.profile.json sidecar, else profiled later by <see cref="DemoProfileWorker"/>).
/// Each file is registered once per content: a StudioSetting "demo-lora:&lt;sha256&gt;" remembers it, so a demo LoRA a
/// user deletes stays deleted. Runs at start-up and again when the first administrator is created.
/// </summary>
public sealed class DemoLibrarySeeder(
    IDbContextFactory<StudioDbContext> dbFactory, LoraIngestService ingest, PreviewImages previews, LibraryProfiles profiles,
    StudioPaths paths, IOptions<StudioOptions> options, ILogger<DemoLibrarySeeder> logger)
{
    /// <summary>Prefix of the settings that record a registered demo file by its SHA-256.</summary>
    public const string SettingPrefix = "demo-lora:";

    /// <summary>The tag every demo LoRA gets.</summary>
    public const string DemoTag = "demo";

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Raised after a run that registered at least one LoRA (the profile worker listens).</summary>
    public event Action? Registered;

    /// <summary>What one run did.</summary>
    public sealed record SeedReport(int Registered, int AlreadyKnown, int Skipped);

    /// <summary>Registers the demo files not registered before. Never throws for a bad file: it is logged and skipped.</summary>
    public async Task<SeedReport> SeedAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var report = await SeedCoreAsync(cancellationToken);
            if (report.Registered > 0) Registered?.Invoke();
            return report;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SeedReport> SeedCoreAsync(CancellationToken cancellationToken)
    {
        string? folder = options.Value.ResolveDemoLoraDir(paths.ContentRoot);
        if (folder == null)
        {
            logger.LogInformation("Demo LoRAs are turned off (Studio:DemoLoraDir is empty)");
            return new SeedReport(0, 0, 0);
        }
        if (!Directory.Exists(folder))
        {
            logger.LogInformation("No demo LoRA folder at {Folder}; the library starts without demo LoRAs", folder);
            return new SeedReport(0, 0, 0);
        }
        var files = DemoFiles(folder);
        if (files.Count == 0)
        {
            logger.LogInformation("The demo LoRA folder {Folder} holds no .safetensors file", folder);
            return new SeedReport(0, 0, 0);
        }
        if (await FirstAdminAsync(cancellationToken) is not { } owner)
        {
            logger.LogInformation("{Count} demo LoRA(s) in {Folder} will be registered when the first administrator is created", files.Count, folder);
            return new SeedReport(0, 0, 0);
        }

        int registered = 0, known = 0, skipped = 0;
        foreach (string file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                switch (await RegisterAsync(file, owner, cancellationToken))
                {
                    case true: registered++; break;
                    case false: known++; break;
                    default: skipped++; break;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or DbUpdateException)
            {
                skipped++;
                logger.LogWarning("Demo LoRA {File} skipped: {Reason}", Path.GetFileName(file), e.Message);
            }
        }
        logger.LogInformation("Demo LoRAs from {Folder}: {Registered} registered, {Known} already known, {Skipped} skipped", folder, registered, known, skipped);
        return new SeedReport(registered, known, skipped);
    }

    /// <summary>True when registered now, false when registered before, null when the file was refused.</summary>
    private async Task<bool?> RegisterAsync(string file, CurrentUser owner, CancellationToken cancellationToken)
    {
        string sha256 = await Sha256Async(file, cancellationToken);
        string key = SettingPrefix + sha256;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            if (await db.Settings.AnyAsync(s => s.Key == key, cancellationToken))
                return false;

        string name = Path.GetFileName(file);
        string stem = Path.GetFileNameWithoutExtension(file);
        var concept = ConceptCatalog.Find(stem);
        var sidecars = SidecarFiles.Read(file, logger);
        if (concept?.Trigger is { } trigger && !sidecars.TriggerWords.Contains(trigger, StringComparer.OrdinalIgnoreCase))
            sidecars = sidecars with { TriggerWords = [trigger, .. sidecars.TriggerWords] };
        var request = new IngestRequest(Visibility.Team, concept == null ? LoraCategory.Other : CategoryOf(concept.Category)) { Sidecars = sidecars };

        IngestResultDto result;
        await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            result = await ingest.IngestAsync(stream, name, request, owner, cancellationToken);
        if (!result.Stored || result.LoraId is not { } loraId)
        {
            // Not recorded: a file fixed later is registered on a later start.
            logger.LogWarning("Demo LoRA {File} skipped: {Reason}", name, result.Error);
            return null;
        }

        string? renderedPreview = null;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var lora = await db.Loras.FirstAsync(l => l.Id == loraId, cancellationToken);
            if (!result.Duplicate)
            {
                // The concept may only be known from the file's own trigger word (a renamed file).
                concept ??= WordLists.Split(lora.TriggerWords).Select(ConceptCatalog.Find).FirstOrDefault(c => c?.IsNovel == true);
                if (concept != null && lora.Category == LoraCategory.Other) lora.Category = CategoryOf(concept.Category);
                var tags = new List<string> { DemoTag };
                if (lora.PreviewFile == null && concept != null)
                {
                    using var png = new MemoryStream(DemoLoraPreview.RenderPng(concept));
                    lora.PreviewFile = renderedPreview = await previews.CreateThumbnailAsync(png, cancellationToken);
                    tags.Add(DemoLoraPreview.Tag);
                }
                lora.Tags = string.Join(", ", tags);
                if (string.IsNullOrEmpty(lora.Description)) lora.Description = DescriptionOf(concept, renderedPreview != null);
            }
            db.Settings.Add(new StudioSetting { Key = key, Value = JsonSerializer.Serialize(new { file = name, loraId }) });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                previews.TryDelete(renderedPreview);
                throw;
            }
        }
        if (!result.Duplicate) await ApplySidecarProfileAsync(file, loraId, cancellationToken);
        logger.LogInformation("Registered demo LoRA {File} as {Name} ({Category})", name, result.Name, request.Category);
        return true;
    }

    private async Task ApplySidecarProfileAsync(string file, Guid loraId, CancellationToken cancellationToken)
    {
        var profile = LoraProfileSidecar.TryRead(file, out string? problem);
        if (problem != null) logger.LogWarning("Demo LoRA {File}: {Problem}", Path.GetFileName(file), problem);
        if (profile == null) return;
        try
        {
            await profiles.SaveAsync(loraId, profile, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            logger.LogWarning("Demo LoRA {File}: its profile sidecar is not used: {Reason}", Path.GetFileName(file), e.Message);
        }
    }

    private static string DescriptionOf(Concept? concept, bool renderedPreview)
    {
        string what = concept == null
            ? "A demo LoRA of the built-in model."
            : $"Demo LoRA of the built-in model: teaches the {concept.Category.ToString().ToLowerInvariant()} concept “{concept.Name}” " +
              $"under the trigger word “{concept.Trigger ?? concept.Name}”. {concept.Description}";
        return renderedPreview
            ? what + " The preview is a training example drawn by the world renderer, not an image generated with the LoRA."
            : what;
    }

    public static LoraCategory CategoryOf(ConceptCategory category) => category switch
    {
        ConceptCategory.Character => LoraCategory.Character,
        ConceptCategory.Clothing => LoraCategory.Clothing,
        ConceptCategory.Style => LoraCategory.Style,
        ConceptCategory.Background => LoraCategory.Background,
        ConceptCategory.Object => LoraCategory.Object,
        _ => LoraCategory.Other,
    };

    /// <summary>Top-level .safetensors files in name order; links are skipped so the folder cannot point elsewhere.</summary>
    private List<string> DemoFiles(string folder)
    {
        var files = new List<string>();
        foreach (string file in Directory.EnumerateFiles(folder, "*.safetensors", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
        {
            if (new FileInfo(file).LinkTarget != null)
            {
                logger.LogWarning("Demo LoRA {File} skipped: symbolic links are not followed", Path.GetFileName(file));
                continue;
            }
            files.Add(file);
        }
        return files;
    }

    /// <summary>The oldest enabled administrator, who owns the demo LoRAs.</summary>
    private async Task<CurrentUser?> FirstAdminAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var admin = await (from user in db.Users
                           join userRole in db.UserRoles on user.Id equals userRole.UserId
                           join role in db.Roles on userRole.RoleId equals role.Id
                           where role.Name == StudioRoles.Admin && !user.IsDisabled
                           select new { user.Id, user.DisplayName, user.CreatedAt })
            .ToListAsync(cancellationToken);
        var first = admin.OrderBy(a => a.CreatedAt).FirstOrDefault();
        return first == null ? null : new CurrentUser(first.Id, first.DisplayName, IsAdmin: true);
    }

    private static async Task<string> Sha256Async(string file, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}

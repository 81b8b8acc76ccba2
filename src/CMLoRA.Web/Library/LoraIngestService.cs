using System.Buffers;
using System.Text.Json;
using CMLoRA.Storage;
using CMLoRA.Storage.Library;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CMLoRA.Web.Library;

/// <summary>
/// Puts one LoRA file into the library: stream to DataDir/tmp (never whole in memory, capped at MaxUploadBytes),
/// validate and inspect, de-duplicate by content hash, move to loras/&lt;sha256&gt;.safetensors and insert the row.
/// Any failure leaves neither a file nor a row behind.
/// </summary>
public sealed class LoraIngestService(
    IDbContextFactory<StudioDbContext> dbFactory, ILoraInspector inspector, PreviewImages previews, StudioPaths paths,
    IOptions<StudioOptions> options, ILogger<LoraIngestService> logger)
{
    public async Task<IngestResultDto> IngestAsync(Stream content, string? fileName, IngestRequest request, CurrentUser owner,
        CancellationToken cancellationToken = default)
    {
        string shownName = LoraFileNames.Printable(fileName ?? "");
        if (LoraFileNames.Problem(fileName) is { } nameProblem)
            return Refused(shownName, nameProblem);

        string temp = Path.Combine(paths.Temp, Guid.NewGuid().ToString("N") + ".part");
        string? placed = null;
        try
        {
            long max = options.Value.MaxUploadBytes;
            long size = await CopyCappedAsync(content, temp, max, cancellationToken);
            if (size > max)
                return Refused(shownName, $"the file is larger than the upload limit of {FormatBytes(max)} (Studio:MaxUploadBytes)");

            var inspection = await inspector.InspectAsync(temp, cancellationToken);

            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var existing = await db.Loras.AsNoTracking().VisibleTo(owner.Id, owner.IsAdmin)
                .Where(l => l.Sha256 == inspection.Sha256)
                .OrderBy(l => l.OwnerId == owner.Id ? 0 : 1)
                .Select(l => new { l.Id, l.Name }).FirstOrDefaultAsync(cancellationToken);
            if (existing != null)
                return new IngestResultDto(shownName, true, true, existing.Id, existing.Name, null);

            // Content-addressed: the same bytes are kept once, whoever uploaded them.
            string final = paths.LoraFile(inspection.Sha256);
            if (!File.Exists(final))
            {
                try
                {
                    File.Move(temp, final);
                    placed = final;
                }
                catch (IOException) when (File.Exists(final))
                {
                    // Another upload of the same bytes won the race; its file is ours too.
                }
            }

            var lora = NewRow(inspection, fileName!, request, owner);
            db.Loras.Add(lora);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // The same owner uploaded the same bytes concurrently: the unique (owner, sha256) index kept one row.
                if (await OwnRowExistsAsync(inspection.Sha256, owner.Id, cancellationToken) is not { } raced) throw;
                placed = null;
                return new IngestResultDto(shownName, true, true, raced, lora.Name, null);
            }
            placed = null; // committed: the file now belongs to the row
            logger.LogInformation("Stored LoRA {Name} ({Sha256}, {Size} bytes, {BaseModel}) for {Owner}", lora.Name, inspection.Sha256, size, lora.BaseModel, owner.DisplayName);

            if (request.Sidecars.PreviewPath is { } previewPath)
                await AttachSidecarPreviewAsync(lora.Id, previewPath, cancellationToken);
            return new IngestResultDto(shownName, true, false, lora.Id, lora.Name, null);
        }
        catch (LoraRejectedException e)
        {
            return Refused(shownName, e.Message);
        }
        finally
        {
            TryDelete(temp);
            // Moved into place but never recorded: remove it unless some other row uses the same content.
            if (placed != null && !await AnyRowUsesAsync(Path.GetFileNameWithoutExtension(placed), CancellationToken.None))
                TryDelete(placed);
        }
    }

    private LibraryLora NewRow(LoraInspection inspection, string fileName, IngestRequest request, CurrentUser owner)
    {
        var sidecars = request.Sidecars;
        var triggers = sidecars.TriggerWords.Concat(inspection.DeclaredTriggerWords).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        string baseModel = inspection.BaseModel == BaseModelNames.Unknown
            ? BaseModelNames.FromHint(sidecars.BaseModelHint) ?? BaseModelNames.Unknown
            : inspection.BaseModel;
        string name = inspection.OutputName ?? LoraFileNames.DisplayName(fileName);
        return new LibraryLora
        {
            Name = name.Length > LoraFileNames.MaxDisplayLength ? name[..LoraFileNames.MaxDisplayLength] : name,
            FileName = LoraFileNames.Printable(fileName),
            Sha256 = inspection.Sha256,
            AutoV2 = inspection.AutoV2,
            AutoV3 = inspection.AutoV3,
            FileSize = inspection.FileSize,
            ModuleCount = inspection.ModuleCount,
            Format = inspection.Format,
            BaseModel = baseModel,
            OutputName = inspection.OutputName,
            Rank = inspection.Rank,
            Alpha = inspection.Alpha,
            NetworkModule = inspection.NetworkModule,
            Category = request.Category,
            TriggerWords = string.Join(", ", triggers),
            SuggestedTriggerWords = string.Join(", ", inspection.SuggestedTriggerWords),
            PreferredWeight = sidecars.PreferredWeight ?? 1.0,
            Description = sidecars.Description ?? "",
            Notes = sidecars.Notes ?? "",
            MetadataJson = JsonSerializer.Serialize(inspection.Metadata),
            OwnerId = owner.Id,
            Visibility = request.Visibility,
            UpdatedById = owner.Id,
        };
    }

    private async Task AttachSidecarPreviewAsync(Guid loraId, string previewPath, CancellationToken cancellationToken)
    {
        try
        {
            await using var image = File.OpenRead(previewPath);
            string thumbnail = await previews.CreateThumbnailAsync(image, cancellationToken);
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.Loras.Where(l => l.Id == loraId).ExecuteUpdateAsync(s => s.SetProperty(l => l.PreviewFile, thumbnail), cancellationToken);
        }
        catch (Exception e) when (e is LoraRejectedException or IOException)
        {
            // A broken preview never costs the LoRA itself.
            logger.LogWarning("Preview {Path} skipped: {Reason}", previewPath, e.Message);
        }
    }

    /// <summary>Copies at most <paramref name="max"/> + 1 bytes, so an oversized upload is noticed without reading it all.</summary>
    private static async Task<long> CopyCappedAsync(Stream content, string path, long max, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, useAsync: true);
            long total = 0;
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, buffer.Length), cancellationToken)) > 0)
            {
                total += read;
                if (total > max) return total;
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<Guid?> OwnRowExistsAsync(string sha256, string ownerId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Loras.Where(l => l.Sha256 == sha256 && l.OwnerId == ownerId).Select(l => (Guid?)l.Id).FirstOrDefaultAsync(cancellationToken);
    }

    private async Task<bool> AnyRowUsesAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Loras.AnyAsync(l => l.Sha256 == sha256, cancellationToken);
    }

    private IngestResultDto Refused(string fileName, string reason)
    {
        logger.LogInformation("Refused upload {FileName}: {Reason}", fileName, reason);
        return new IngestResultDto(fileName, false, false, null, null, reason);
    }

    private void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); }
        catch (IOException e) { logger.LogWarning(e, "Could not delete {Path}", path); }
    }

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.##} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.##} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.##} KiB",
        _ => $"{bytes} bytes",
    };
}

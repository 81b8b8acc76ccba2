using CMLoRA.Engine.Tensors;
using CMLoRA.Web.Accounts;

namespace CMLoRA.Web.Library;

/// <summary>
/// Admin import of a folder on the server (an existing A1111/ComfyUI "loras" folder): every .safetensors file goes
/// through the same ingest as an upload, with its A1111 sidecars; pickles found there are listed as refused.
/// </summary>
public sealed class FolderImportService(LoraIngestService ingest, ILogger<FolderImportService> logger)
{
    public sealed record FolderImportRequest(string Path, bool Recursive = false, Storage.Visibility Visibility = Storage.Visibility.Team,
        Storage.Library.LoraCategory Category = Storage.Library.LoraCategory.Other);

    public async Task<ServiceResult<IReadOnlyList<IngestResultDto>>> ImportAsync(CurrentUser admin, FolderImportRequest request,
        CancellationToken cancellationToken = default)
    {
        if (!admin.IsAdmin) return ServiceResult<IReadOnlyList<IngestResultDto>>.Forbidden("only admins may import server folders");
        if (string.IsNullOrWhiteSpace(request.Path) || !Path.IsPathFullyQualified(request.Path))
            return ServiceResult<IReadOnlyList<IngestResultDto>>.Invalid("give the folder as an absolute path on the server");
        if (!Directory.Exists(request.Path))
            return ServiceResult<IReadOnlyList<IngestResultDto>>.Invalid($"the folder '{request.Path}' does not exist on the server");

        var option = request.Recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly;
        var results = new List<IngestResultDto>();
        foreach (string file in Directory.EnumerateFiles(request.Path, "*", option).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(file);
            if (PickleDetector.HasPickleExtension(name) && !name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                results.Add(new IngestResultDto(name, false, false, null, null, $"'{name}' is refused: {PickleDetector.Explanation}"));
                continue;
            }
            if (!name.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) continue;
            var sidecars = SidecarFiles.Read(file, logger);
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            results.Add(await ingest.IngestAsync(stream, name, new IngestRequest(request.Visibility, request.Category) { Sidecars = sidecars }, admin, cancellationToken));
        }
        logger.LogInformation("Imported {Folder}: {Stored} stored, {Refused} refused", request.Path, results.Count(r => r.Stored), results.Count(r => !r.Stored));
        return ServiceResult<IReadOnlyList<IngestResultDto>>.Ok(results);
    }
}

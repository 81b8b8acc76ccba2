using CMLoRA.Storage;
using CMLoRA.Storage.Library;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Configuration;
using CMLoRA.Web.Library;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CMLoRA.Web.Api;

/// <summary>/api/loras: the team's LoRA library (list, detail, upload, edit, preview, delete, folder import).</summary>
public static class LoraApi
{
    public static IEndpointRouteBuilder MapLoraApi(this IEndpointRouteBuilder routes)
    {
        var loras = routes.MapGroup("/api/loras").RequireAuthorization().AddEndpointFilter<AntiforgeryHeaderFilter>().WithTags("Library");

        loras.MapGet("/", async (HttpContext http, LibraryService library, string? search, LoraCategory? category, string? baseModel,
                string? owner, Visibility? visibility, LoraSort? sort, int? page, int? pageSize, CancellationToken ct) =>
            TypedResults.Ok(await library.PageAsync(CurrentUser.Require(http.User), new LoraFilter
            {
                Search = search, Category = category, BaseModel = baseModel, OwnerId = owner, Visibility = visibility,
                Sort = sort ?? LoraSort.Newest, Page = page ?? 1, PageSize = pageSize ?? 24,
            }, ct)))
            .WithSummary("One page of the LoRAs the caller may see, filtered and sorted in the database.");

        loras.MapGet("/{id:guid}", async Task<Results<Ok<LoraDetailDto>, NotFound>> (Guid id, HttpContext http, LibraryService library, CancellationToken ct) =>
                await library.GetAsync(CurrentUser.Require(http.User), id, ct) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound())
            .WithSummary("Everything about one LoRA: metadata, hashes, profile, edit history.");

        loras.MapPost("/", UploadAsync)
            .DisableAntiforgery() // checked from the header by AntiforgeryHeaderFilter, so the body is never buffered as a form
            .WithSummary("Uploads one or more .safetensors files (multipart/form-data), streamed to disk. ?visibility=Private|Team&category=…");

        loras.MapPut("/{id:guid}", async (Guid id, LoraUpdate update, HttpContext http, LibraryService library, CancellationToken ct) =>
                ToHttp(await library.UpdateAsync(CurrentUser.Require(http.User), id, update, ct)))
            .WithSummary("Edits name, category, trigger words, preferred weight, description, notes, tags or visibility; each change is recorded.");

        loras.MapDelete("/{id:guid}", async (Guid id, HttpContext http, LibraryService library, CancellationToken ct) =>
                ToHttp(await library.DeleteAsync(CurrentUser.Require(http.User), id, ct)))
            .WithSummary("Deletes a LoRA (owner or admin).");

        loras.MapGet("/{id:guid}/preview", async Task<Results<PhysicalFileHttpResult, NotFound>> (Guid id, HttpContext http, LibraryService library, CancellationToken ct) =>
                await library.PreviewPathAsync(CurrentUser.Require(http.User), id, ct) is { } path
                    ? TypedResults.PhysicalFile(path, "image/jpeg", enableRangeProcessing: false)
                    : TypedResults.NotFound())
            .WithSummary("The LoRA's preview thumbnail (JPEG we encoded).");

        loras.MapGet("/{id:guid}/profile.svg", async Task<Results<ContentHttpResult, NotFound>> (Guid id, HttpContext http, LibraryService library, CancellationToken ct) =>
                await library.ProfileChartAsync(CurrentUser.Require(http.User), id, ct) is { } svg
                    ? TypedResults.Text(svg, "image/svg+xml")
                    : TypedResults.NotFound())
            .WithSummary("The LoRA's frequency-profile chart: its relative radial spectrum against the base model's (SVG).");

        loras.MapPost("/{id:guid}/preview", async (Guid id, HttpContext http, LibraryService library, CancellationToken ct) =>
            {
                var file = await FirstFileAsync(http, ct);
                if (file == null) return ToHttp(ServiceResult<LoraDetailDto>.Invalid("send the image as multipart/form-data"));
                return ToHttp(await library.SetPreviewAsync(CurrentUser.Require(http.User), id, file, ct));
            })
            .DisableAntiforgery()
            .WithSummary("Sets the preview from an uploaded image (PNG, JPEG, WebP; at most 40 megapixels).");

        loras.MapPost("/import-folder", async (FolderImportService.FolderImportRequest request, HttpContext http, FolderImportService import, CancellationToken ct) =>
                ToHttp(await import.ImportAsync(CurrentUser.Require(http.User), request, ct)))
            .RequireAuthorization(StudioRoles.AdminPolicy)
            .WithSummary("Imports every .safetensors file of a server folder with its A1111 sidecars (admin).");
        return routes;
    }

    private static async Task<IResult> UploadAsync(HttpContext http, LoraIngestService ingest, IOptions<StudioOptions> options,
        Visibility? visibility, LoraCategory? category, CancellationToken ct)
    {
        long max = options.Value.MaxUploadBytes;
        // The whole request may carry one maximal file plus the multipart framing; each file is capped on its own too.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = max + (1 << 20);
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(HeaderUtilities.RemoveQuotes(type.Boundary).Value))
            return TypedResults.Problem("send the files as multipart/form-data", statusCode: StatusCodes.Status400BadRequest, title: "Upload rejected");

        var user = CurrentUser.Require(http.User);
        var request = new IngestRequest(visibility ?? Visibility.Private, category ?? LoraCategory.Other);
        var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(type.Boundary).Value!, http.Request.Body);
        var results = new List<IngestResultDto>();
        try
        {
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(ct)) != null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
                    continue;
                string? fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                results.Add(await ingest.IngestAsync(section.Body, fileName, request, user, ct));
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TypedResults.Problem($"the upload is larger than the limit of {LoraIngestService.FormatBytes(max)} (Studio:MaxUploadBytes)",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "Upload rejected");
        }
        if (results.Count == 0)
            return TypedResults.Problem("the request holds no file", statusCode: StatusCodes.Status400BadRequest, title: "Upload rejected");
        var refused = results.Where(r => !r.Stored).ToList();
        if (refused.Count > 0)
            return TypedResults.Problem(string.Join("; ", refused.Select(r => $"{r.FileName}: {r.Error}")), statusCode: StatusCodes.Status400BadRequest,
                title: "Upload rejected", extensions: new Dictionary<string, object?> { ["files"] = results });
        return TypedResults.Ok(results);
    }

    private static async Task<Stream?> FirstFileAsync(HttpContext http, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
            return null;
        var reader = new MultipartReader(boundary, http.Request.Body);
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync(ct)) != null)
            if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var d) && d.IsFileDisposition())
                return section.Body;
        return null;
    }

    public static IResult ToHttp<T>(ServiceResult<T> result) => result.Status switch
    {
        ServiceStatus.Ok => TypedResults.Ok(result.Value),
        ServiceStatus.NotFound => TypedResults.NotFound(),
        ServiceStatus.Forbidden => TypedResults.Problem(result.Error, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed"),
        _ => TypedResults.Problem(result.Error, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request"),
    };
}

using CMLoRA.Engine.Recipes;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Generation;
using CMLoRA.Web.Studio;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CMLoRA.Web.Api;

/// <summary>/api/images: the caller's and the team's generated images, their PNGs, stars and visibility.</summary>
public static class ImageApi
{
    public static IEndpointRouteBuilder MapImageApi(this IEndpointRouteBuilder routes)
    {
        var images = routes.MapGroup("/api/images").RequireAuthorization().AddEndpointFilter<AntiforgeryHeaderFilter>().WithTags("Images");

        images.MapGet("/", async (HttpContext http, ImageService service, string? owner, Guid? job, string? method, bool? starred, int? page, int? pageSize,
                CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(CurrentUser.Require(http.User), new ImageQuery
            {
                OwnerId = owner, JobId = job, Method = method, Starred = starred, Page = page ?? 1, PageSize = pageSize ?? 48,
            }, ct)))
            .WithSummary("One page of the images the caller may see (their own and the team's), newest first.");

        images.MapGet("/{id:guid}", async Task<Results<Ok<ImageDto>, NotFound>> (Guid id, HttpContext http, ImageService service, CancellationToken ct) =>
                await service.GetAsync(CurrentUser.Require(http.User), id, ct) is { } image ? TypedResults.Ok(image) : TypedResults.NotFound())
            .WithSummary("An image's metadata, infotext and full recipe.");

        images.MapGet("/{id:guid}/png", async Task<Results<PhysicalFileHttpResult, NotFound>> (Guid id, HttpContext http, ImageService service, CancellationToken ct) =>
                await service.PngPathAsync(CurrentUser.Require(http.User), id, ct) is { } path
                    ? TypedResults.PhysicalFile(path, "image/png", fileDownloadName: $"{id}.png")
                    : TypedResults.NotFound())
            .WithSummary("The image as PNG.");

        images.MapGet("/{id:guid}/rerun", async Task<Results<Ok<GenerationRequest>, NotFound>> (Guid id, HttpContext http, ImageService service, CancellationToken ct) =>
                await service.RerunRequestAsync(CurrentUser.Require(http.User), id, ct) is { } request ? TypedResults.Ok(request) : TypedResults.NotFound())
            .WithSummary("The request that makes this image again exactly (POST it to /api/jobs).");

        images.MapPost("/import", async (HttpContext http, RecipeRestore restore, CancellationToken ct) =>
            {
                // The PNG is the raw request body; larger ones are refused before they are read whole.
                using var buffer = new MemoryStream();
                var read = new byte[81920];
                int n;
                while ((n = await http.Request.Body.ReadAsync(read, ct)) > 0)
                {
                    if (buffer.Length + n > RecipeRestore.MaxPngBytes)
                        return Results.Problem($"The PNG is larger than {RecipeRestore.MaxPngBytes >> 20} MB.", statusCode: StatusCodes.Status400BadRequest);
                    buffer.Write(read, 0, n);
                }
                try
                {
                    var restored = await restore.FromPngAsync(CurrentUser.Require(http.User), buffer.ToArray(), ct);
                    return Results.Ok(ImportedSettingsDto.From(restored));
                }
                catch (RecipeFormatException e)
                {
                    return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
                }
            })
            .Accepts<byte[]>("image/png").Produces<ImportedSettingsDto>().ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Reads a PNG's settings (our recipe chunk, else A1111 infotext) as the POST /api/jobs body that restores them; LoRAs are found in the caller's visible library by hash.");

        images.MapPatch("/{id:guid}", async (Guid id, ImageUpdate update, HttpContext http, ImageService service, CancellationToken ct) =>
                LoraApi.ToHttp(await service.UpdateAsync(CurrentUser.Require(http.User), id, update, ct)))
            .Produces<ImageDto>().ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Stars an image or changes its visibility (Private or Team); owner only.");
        return routes;
    }
}

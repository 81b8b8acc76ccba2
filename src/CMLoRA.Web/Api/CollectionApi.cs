using CMLoRA.Web.Accounts;
using CMLoRA.Web.Collections;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CMLoRA.Web.Api;

/// <summary>/api/collections: the team's versioned LoRA recipes.</summary>
public static class CollectionApi
{
    public static IEndpointRouteBuilder MapCollectionApi(this IEndpointRouteBuilder routes)
    {
        var collections = routes.MapGroup("/api/collections").RequireAuthorization().AddEndpointFilter<AntiforgeryHeaderFilter>().WithTags("Collections");

        collections.MapGet("/", async (HttpContext http, CollectionService service, bool? deleted, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(CurrentUser.Require(http.User), deleted ?? false, ct)))
            .WithSummary("Collections the caller may see (?deleted=true: their recently deleted ones).");

        collections.MapGet("/{id:guid}", async Task<Results<Ok<CollectionDetailDto>, NotFound>> (Guid id, HttpContext http, CollectionService service, CancellationToken ct) =>
                await service.GetAsync(CurrentUser.Require(http.User), id, ct) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound())
            .WithSummary("A collection with its items, versions and pre-flight check.");

        collections.MapPost("/", async (CollectionInput input, HttpContext http, CollectionService service, CancellationToken ct) =>
                LoraApi.ToHttp(await service.CreateAsync(CurrentUser.Require(http.User), input, ct)))
            .WithSummary("Creates a collection (version 1).");

        collections.MapPut("/{id:guid}", async (Guid id, CollectionInput input, HttpContext http, CollectionService service, CancellationToken ct) =>
                LoraApi.ToHttp(await service.UpdateAsync(CurrentUser.Require(http.User), id, input, ct)))
            .WithSummary("Replaces name, items, weights, order, method and options; writes a new version.");

        collections.MapPost("/{id:guid}/duplicate", async (Guid id, HttpContext http, CollectionService service, CancellationToken ct) =>
                LoraApi.ToHttp(await service.DuplicateAsync(CurrentUser.Require(http.User), id, ct)))
            .WithSummary("Copies a visible collection into a new private one of the caller.");

        collections.MapDelete("/{id:guid}", async (Guid id, HttpContext http, CollectionService service, CancellationToken ct) =>
                LoraApi.ToHttp(await service.SetDeletedAsync(CurrentUser.Require(http.User), id, true, ct)))
            .WithSummary("Soft-deletes a collection (undo with POST /restore).");

        collections.MapPost("/{id:guid}/restore", async (Guid id, HttpContext http, CollectionService service, CancellationToken ct) =>
                LoraApi.ToHttp(await service.SetDeletedAsync(CurrentUser.Require(http.User), id, false, ct)))
            .WithSummary("Undoes a delete.");

        collections.MapPost("/preflight", async (CollectionInput input, HttpContext http, CollectionService service, CancellationToken ct) =>
                TypedResults.Ok(await service.PreflightAsync(CurrentUser.Require(http.User), input, ct)))
            .WithSummary("Checks an unsaved recipe: base models, duplicates, summed weight, missing files.");
        return routes;
    }
}

using CMLoRA.Web.Accounts;
using CMLoRA.Web.Generation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CMLoRA.Web.Api;

/// <summary>/api/jobs: submit generations, read the queue and a job, cancel, and (admins) reorder.</summary>
public static class JobApi
{
    public static IEndpointRouteBuilder MapJobApi(this IEndpointRouteBuilder routes)
    {
        var jobs = routes.MapGroup("/api/jobs").RequireAuthorization().AddEndpointFilter<AntiforgeryHeaderFilter>().WithTags("Generation");

        jobs.MapPost("/", async (GenerationRequest request, HttpContext http, GenerationService generation, CancellationToken ct) =>
            {
                var result = await generation.SubmitAsync(CurrentUser.Require(http.User), request, ct);
                return result.IsOk ? TypedResults.Created($"/api/jobs/{result.Value!.Id}", result.Value) : LoraApi.ToHttp(result);
            })
            .Produces<JobDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Validates and queues a generation; 400 lists every problem with the request.");

        jobs.MapGet("/", async (HttpContext http, GenerationService generation, CancellationToken ct) =>
                TypedResults.Ok(await generation.QueueAsync(CurrentUser.Require(http.User), ct)))
            .WithSummary("The queue: the running job (position 0), then waiting jobs in the order they will run, with progress and ETA.");

        jobs.MapGet("/mine", async (HttpContext http, GenerationService generation, int? take, CancellationToken ct) =>
                TypedResults.Ok(await generation.RecentJobsAsync(CurrentUser.Require(http.User), take ?? 50, ct)))
            .WithSummary("The caller's most recent jobs, newest first, whatever their status.");

        jobs.MapGet("/{id:guid}", async Task<Results<Ok<JobDto>, NotFound>> (Guid id, HttpContext http, GenerationService generation, CancellationToken ct) =>
                await generation.GetJobAsync(CurrentUser.Require(http.User), id, ct) is { } job ? TypedResults.Ok(job) : TypedResults.NotFound())
            .WithSummary("One job: status, progress, position, ETA, error, image ids and the request.");

        jobs.MapDelete("/{id:guid}", async (Guid id, HttpContext http, GenerationService generation, CancellationToken ct) =>
                LoraApi.ToHttp(await generation.CancelAsync(CurrentUser.Require(http.User), id, ct)))
            .Produces<JobDto>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Cancels a waiting or running job (owner or admin); a running one stops within one step.");

        jobs.MapPost("/reorder", async (ReorderRequest request, HttpContext http, GenerationService generation, CancellationToken ct) =>
                LoraApi.ToHttp(await generation.ReorderAsync(CurrentUser.Require(http.User), request.JobIds ?? [], ct)))
            .RequireAuthorization(StudioRoles.AdminPolicy)
            .Produces<IReadOnlyList<QueueEntryDto>>().ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Admin: the listed waiting jobs run first, in this order; returns the new queue.");
        return routes;
    }
}

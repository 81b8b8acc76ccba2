using CMLoRA.Web.Generation;

namespace CMLoRA.Web.Api;

/// <summary>/api/models: the base models a request may name (any signed-in member).</summary>
public static class ModelApi
{
    public static IEndpointRouteBuilder MapModelApi(this IEndpointRouteBuilder routes)
    {
        var models = routes.MapGroup("/api/models").RequireAuthorization().AddEndpointFilter<AntiforgeryHeaderFilter>().WithTags("Generation");

        models.MapGet("/", (ModelCatalog catalog) => TypedResults.Ok(catalog.List().Select(m => m.ToDto()).ToList()))
            .WithSummary("The base models: the default, the built-in model and the models folder; refused ones (pickles, other families) with the reason.");
        return routes;
    }
}

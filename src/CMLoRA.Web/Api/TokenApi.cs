using CMLoRA.Web.Accounts;
using CMLoRA.Web.ApiTokens;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace CMLoRA.Web.Api;

/// <summary>
/// /api/tokens: the caller's personal API tokens. Managed with the sign-in cookie only, so a leaked token cannot mint
/// or list others.
/// </summary>
public static class TokenApi
{
    private static readonly AuthorizationPolicy CookieOnly =
        new AuthorizationPolicyBuilder(IdentityConstants.ApplicationScheme).RequireAuthenticatedUser().Build();

    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder routes)
    {
        var tokens = routes.MapGroup("/api/tokens").RequireAuthorization(CookieOnly).AddEndpointFilter<AntiforgeryHeaderFilter>().WithTags("API tokens");

        tokens.MapGet("/", async (HttpContext http, ApiTokenService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(CurrentUser.Require(http.User), ct)))
            .WithSummary("The caller's tokens (never their secrets).");

        tokens.MapPost("/", async (CreateApiTokenRequest request, HttpContext http, ApiTokenService service, CancellationToken ct) =>
            {
                var result = await service.CreateAsync(CurrentUser.Require(http.User), request.Name, ct);
                return result.IsOk ? TypedResults.Created($"/api/tokens/{result.Value!.Id}", result.Value) : LoraApi.ToHttp(result);
            })
            .Produces<CreatedApiTokenDto>(StatusCodes.Status201Created)
            .WithSummary("Creates a token; the response holds its secret, shown only this once. Send it as 'Authorization: Bearer <secret>'.");

        tokens.MapDelete("/{id:guid}", async (Guid id, HttpContext http, ApiTokenService service, CancellationToken ct) =>
                LoraApi.ToHttp(await service.RevokeAsync(CurrentUser.Require(http.User), id, ct)))
            .Produces<ApiTokenDto>()
            .WithSummary("Revokes a token; it stops working at once.");
        return routes;
    }
}

using CMLoRA.Storage;
using CMLoRA.Web.Accounts;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace CMLoRA.Web.Api;

/// <summary>Sign-out, the anti-forgery token for scripts, and who am I.</summary>
public static class AccountApi
{
    public sealed record AntiforgeryTokenDto(string HeaderName, string Token);

    public sealed record MeDto(string Id, string DisplayName, bool IsAdmin);

    public static IEndpointRouteBuilder MapAccountApi(this IEndpointRouteBuilder routes)
    {
        // A form post from the layout's sign-out button. The token is checked here, explicitly: a cross-site page must
        // not be able to sign people out.
        routes.MapPost("/account/logout", async Task<Results<RedirectHttpResult, ProblemHttpResult>> (HttpContext context, IAntiforgery antiforgery,
            SignInManager<StudioUser> signIn) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
                return TypedResults.Problem("the sign-out form's anti-forgery token is missing or invalid", statusCode: StatusCodes.Status400BadRequest);
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("~/account/login");
        }).DisableAntiforgery();

        var api = routes.MapGroup("/api").RequireAuthorization();
        api.MapGet("/antiforgery", (HttpContext context, IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            return TypedResults.Ok(new AntiforgeryTokenDto(AntiforgeryHeaderFilter.HeaderName, tokens.RequestToken!));
        }).WithSummary("An anti-forgery token for the RequestVerificationToken header of API calls that change data.");
        api.MapGet("/me", (HttpContext context) =>
        {
            var user = CurrentUser.Require(context.User);
            return TypedResults.Ok(new MeDto(user.Id, user.DisplayName, user.IsAdmin));
        }).WithSummary("The signed-in account.");
        return routes;
    }
}

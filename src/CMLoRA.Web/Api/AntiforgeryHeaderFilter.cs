using Microsoft.AspNetCore.Antiforgery;

namespace CMLoRA.Web.Api;

/// <summary>
/// Cookie-authenticated API calls that change something must carry the anti-forgery token in the
/// RequestVerificationToken header (the studio's pages and scripts get it from GET /api/antiforgery). Reading the
/// header, not the form, keeps multipart uploads streaming. Calls authenticated by a personal API token need none.
/// </summary>
public sealed class AntiforgeryHeaderFilter(IAntiforgery antiforgery) : IEndpointFilter
{
    public const string HeaderName = "RequestVerificationToken";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        // A bearer token is not sent by browsers on their own, so token-authenticated calls cannot be forged.
        bool byToken = http.User.Identity?.AuthenticationType == ApiTokens.ApiTokenAuthenticationHandler.SchemeName;
        if (!byToken && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            if (!http.Request.Headers.ContainsKey(HeaderName))
                return TypedResults.Problem($"the {HeaderName} header is missing; get a token from GET /api/antiforgery", statusCode: StatusCodes.Status400BadRequest, title: "Anti-forgery token missing");
            try
            {
                await antiforgery.ValidateRequestAsync(http);
            }
            catch (AntiforgeryValidationException)
            {
                return TypedResults.Problem("the anti-forgery token is invalid or belongs to another session", statusCode: StatusCodes.Status400BadRequest, title: "Anti-forgery token invalid");
            }
        }
        return await next(context);
    }
}

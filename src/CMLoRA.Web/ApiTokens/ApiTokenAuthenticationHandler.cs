using System.Security.Claims;
using System.Text.Encodings.Web;
using CMLoRA.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CMLoRA.Web.ApiTokens;

/// <summary>
/// Authenticates "Authorization: Bearer &lt;token&gt;" with a personal API token: the token's owner, with the same
/// roles and display name as their sign-in cookie. Disabled accounts are refused.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiTokenService tokens, UserManager<StudioUser> users, IUserClaimsPrincipalFactory<StudioUser> principals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    /// <summary>The scheme that picks bearer tokens or the sign-in cookie per request.</summary>
    public const string SelectorScheme = "StudioAuth";

    public static bool HasBearer(HttpRequest request) =>
        request.Headers[HeaderNames.Authorization].ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!HasBearer(Request)) return AuthenticateResult.NoResult();
        string secret = Request.Headers[HeaderNames.Authorization].ToString()["Bearer ".Length..].Trim();
        string? userId = await tokens.AuthenticateAsync(secret, Context.RequestAborted);
        if (userId is null) return AuthenticateResult.Fail("unknown or revoked API token");
        var user = await users.FindByIdAsync(userId);
        if (user is null || user.IsDisabled) return AuthenticateResult.Fail("the token's account is disabled");
        var principal = await principals.CreateAsync(user);
        var identity = new ClaimsIdentity(principal.Claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

using System.Security.Claims;

namespace CMLoRA.Web.Accounts;

/// <summary>Who is asking: what every library and collection operation is authorized against.</summary>
public sealed record CurrentUser(string Id, string DisplayName, bool IsAdmin)
{
    public const string DisplayNameClaim = "studio:display_name";

    /// <summary>The signed-in user of <paramref name="principal"/>, or null when anonymous.</summary>
    public static CurrentUser? From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true) return null;
        string? id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (string.IsNullOrEmpty(id)) return null;
        string name = principal.FindFirstValue(DisplayNameClaim) ?? principal.Identity.Name ?? id;
        return new CurrentUser(id, name, principal.IsInRole(StudioRoles.Admin));
    }

    public static CurrentUser Require(ClaimsPrincipal? principal) =>
        From(principal) ?? throw new UnauthorizedAccessException("not signed in");
}

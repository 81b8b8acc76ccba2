using System.Security.Claims;
using CMLoRA.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CMLoRA.Web.Accounts;

/// <summary>Adds the display name to the sign-in cookie so pages can greet the user without a database read.</summary>
public sealed class StudioClaimsPrincipalFactory(UserManager<StudioUser> userManager, RoleManager<IdentityRole> roleManager,
    IOptions<IdentityOptions> options) : UserClaimsPrincipalFactory<StudioUser, IdentityRole>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StudioUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(CurrentUser.DisplayNameClaim, string.IsNullOrWhiteSpace(user.DisplayName) ? user.Email ?? user.Id : user.DisplayName));
        return identity;
    }
}

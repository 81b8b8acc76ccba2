using CMLoRA.Storage;
using Microsoft.AspNetCore.Identity;

namespace CMLoRA.Web.Accounts;

/// <summary>
/// Identity asks this before every sign-in (SignIn.RequireConfirmedAccount is on): a disabled account is refused
/// with SignInResult.NotAllowed, however correct its password.
/// </summary>
public sealed class EnabledAccountConfirmation : IUserConfirmation<StudioUser>
{
    public Task<bool> IsConfirmedAsync(UserManager<StudioUser> manager, StudioUser user) => Task.FromResult(!user.IsDisabled);
}

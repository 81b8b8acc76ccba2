using CMLoRA.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.Accounts;

/// <summary>
/// Creates, lists, disables and re-roles accounts. Each call uses its own DI scope so a circuit never keeps a
/// UserManager (and its DbContext) alive for its whole lifetime.
/// </summary>
public sealed class AccountService(IServiceScopeFactory scopeFactory, SetupState setup, ILogger<AccountService> logger)
{
    public async Task<IReadOnlyList<AccountDto>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        // SQLite cannot order by DateTimeOffset; a team has few accounts, so sort here.
        var all = (await users.Users.ToListAsync(cancellationToken)).OrderBy(u => u.CreatedAt).ToList();
        var admins = (await users.GetUsersInRoleAsync(StudioRoles.Admin)).Select(u => u.Id).ToHashSet();
        return all.Select(u => ToDto(u, admins.Contains(u.Id) ? StudioRoles.Admin : StudioRoles.Member)).ToList();
    }

    /// <summary>Creates an account (an admin action, or the first-run page through <see cref="CreateFirstAdminAsync"/>).</summary>
    public async Task<AccountResult> CreateAsync(NewAccount request, CancellationToken cancellationToken = default)
    {
        if (!StudioRoles.All.Contains(request.Role))
            return AccountResult.Fail($"role must be {StudioRoles.Admin} or {StudioRoles.Member}");
        string email = (request.Email ?? "").Trim();
        if (email.Length == 0 || !email.Contains('@'))
            return AccountResult.Fail("enter the member's e-mail address");

        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        var user = new StudioUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? email.Split('@')[0] : request.DisplayName.Trim(),
            LockoutEnabled = true,
        };
        var created = await users.CreateAsync(user, request.Password ?? "");
        if (!created.Succeeded) return AccountResult.Fail(Describe(created));
        var roled = await users.AddToRoleAsync(user, request.Role);
        if (!roled.Succeeded)
        {
            await users.DeleteAsync(user);
            return AccountResult.Fail(Describe(roled));
        }
        setup.MarkAccountsExist();
        logger.LogInformation("Account {Email} created as {Role}", email, request.Role);
        return new AccountResult(ToDto(user, request.Role), null);
    }

    /// <summary>Creates the first administrator, but only while the studio has no account at all.</summary>
    public async Task<AccountResult> CreateFirstAdminAsync(string email, string displayName, string password, CancellationToken cancellationToken = default)
    {
        await setup.Gate.WaitAsync(cancellationToken);
        try
        {
            if (!await setup.NeedsSetupAsync(cancellationToken))
                return AccountResult.Fail("the studio already has an administrator; sign in instead");
            return await CreateAsync(new NewAccount { Email = email, DisplayName = displayName, Password = password, Role = StudioRoles.Admin }, cancellationToken);
        }
        finally
        {
            setup.Gate.Release();
        }
    }

    /// <summary>Disables or re-enables an account. Disabling renews its security stamp, which signs it out everywhere.</summary>
    public async Task<AccountResult> SetDisabledAsync(string id, bool disabled, CurrentUser actor, CancellationToken cancellationToken = default)
    {
        if (disabled && id == actor.Id) return AccountResult.Fail("you cannot disable your own account");
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        var user = await users.FindByIdAsync(id);
        if (user == null) return AccountResult.Fail("no such account");
        user.IsDisabled = disabled;
        if (!disabled) await users.SetLockoutEndDateAsync(user, null);
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded) return AccountResult.Fail(Describe(updated));
        await users.UpdateSecurityStampAsync(user);
        logger.LogInformation("Account {Email} {State} by {Actor}", user.Email, disabled ? "disabled" : "enabled", actor.DisplayName);
        return new AccountResult(ToDto(user, await RoleOfAsync(users, user)), null);
    }

    /// <summary>Makes an account an Admin or a Member; the last enabled admin cannot be demoted.</summary>
    public async Task<AccountResult> SetRoleAsync(string id, string role, CurrentUser actor, CancellationToken cancellationToken = default)
    {
        if (!StudioRoles.All.Contains(role)) return AccountResult.Fail($"role must be {StudioRoles.Admin} or {StudioRoles.Member}");
        if (id == actor.Id && role != StudioRoles.Admin) return AccountResult.Fail("you cannot remove your own admin role");
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        var user = await users.FindByIdAsync(id);
        if (user == null) return AccountResult.Fail("no such account");
        string other = role == StudioRoles.Admin ? StudioRoles.Member : StudioRoles.Admin;
        if (await users.IsInRoleAsync(user, other)) await users.RemoveFromRoleAsync(user, other);
        if (!await users.IsInRoleAsync(user, role)) await users.AddToRoleAsync(user, role);
        await users.UpdateSecurityStampAsync(user);
        return new AccountResult(ToDto(user, role), null);
    }

    private static async Task<string> RoleOfAsync(UserManager<StudioUser> users, StudioUser user) =>
        await users.IsInRoleAsync(user, StudioRoles.Admin) ? StudioRoles.Admin : StudioRoles.Member;

    private static AccountDto ToDto(StudioUser user, string role) =>
        new(user.Id, user.Email ?? "", user.DisplayName, role, user.IsDisabled,
            user.LockoutEnd is { } end && end > DateTimeOffset.UtcNow, user.CreatedAt);

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));
}

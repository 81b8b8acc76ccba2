using CMLoRA.Web.Configuration;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CMLoRA.Web.Accounts;

/// <summary>Start-up: makes sure the roles exist and, for unattended installs, creates the configured first admin.</summary>
public static class AccountSeeder
{
    public static async Task SeedAccountsAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (string role in StudioRoles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));

        var admin = scope.ServiceProvider.GetRequiredService<IOptions<StudioOptions>>().Value.Admin;
        var setup = scope.ServiceProvider.GetRequiredService<SetupState>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AccountSeeder));
        if (!await setup.NeedsSetupAsync(cancellationToken))
            return;
        if (!admin.IsConfigured)
        {
            logger.LogWarning("No accounts yet: open the studio in a browser to create the first administrator (or set Studio__Admin__Email and Studio__Admin__Password)");
            return;
        }
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        var result = await accounts.CreateFirstAdminAsync(admin.Email, admin.DisplayName, admin.Password, cancellationToken);
        // A configured admin that cannot be created is a broken install: say why and stop rather than run open.
        if (!result.Succeeded)
            throw new InvalidOperationException($"Studio:Admin could not be created: {result.Error}");
        logger.LogInformation("Created the first administrator {Email} from configuration", admin.Email);
    }
}

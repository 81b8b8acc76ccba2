using CMLoRA.Engine.Devices;
using CMLoRA.Storage;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Configuration;
using CMLoRA.Web.Library;
using CMLoRA.Web.Progress;
using CMLoRA.Web.Studio;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;

namespace CMLoRA.Web.Extensions;

/// <summary>The studio's composition root: options, database, accounts, engine device and UI services.</summary>
public static class StudioServiceExtensions
{
    public static StudioPaths AddStudioServices(this WebApplicationBuilder builder, string contentRoot)
    {
        builder.Services.AddOptions<StudioOptions>().BindConfiguration(StudioOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var studio = builder.Configuration.GetSection(StudioOptions.Section).Get<StudioOptions>() ?? new StudioOptions();
        var paths = new StudioPaths(contentRoot, studio.ResolveDataDir(contentRoot), studio.ResolveDatabasePath(contentRoot),
            studio.ResolveModelsDir(contentRoot));
        paths.EnsureCreated();
        builder.Services.AddSingleton(paths);

        // One context per operation (Blazor circuits live long); AddDbContextFactory also registers a scoped
        // context, which Identity's stores use within a request.
        builder.Services.AddDbContextFactory<StudioDbContext>(options => options.UseStudioSqlite(paths.DatabasePath));
        builder.Services.AddSingleton(services =>
            ComputeDevice.Select(studio.Device, logger: services.GetRequiredService<ILoggerFactory>().CreateLogger("CMLoRA.Engine")));

        // Keys that protect cookies and anti-forgery tokens live with the data, so sign-ins survive restarts.
        builder.Services.AddDataProtection()
            .PersistKeysToFileSystem(new DirectoryInfo(paths.Keys))
            .SetApplicationName("CMLoRA Studio");

        builder.AddStudioAccounts();
        builder.AddStudioLibrary();
        builder.AddStudioGeneration();
        // After generation: the progress broadcaster replaces its stand-in event sink.
        builder.Services.AddStudioProgress();
        builder.Services.AddStudioPages();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddProblemDetails();
        // Enums travel as their names ("Team", "Style"), which scripts can read and write.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        return paths;
    }

    private static void AddStudioLibrary(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<ILoraInspector, EngineLoraInspector>();
        builder.Services.AddSingleton<PreviewImages>();
        builder.Services.AddSingleton<LoraIngestService>();
        builder.Services.AddSingleton<LibraryService>();
        builder.Services.AddSingleton<FolderImportService>();
        builder.Services.AddSingleton<LibraryProfiles>();
        builder.Services.AddSingleton<DemoLibrarySeeder>();
        builder.Services.AddSingleton<DemoProfileWorker>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DemoProfileWorker>());
        builder.Services.AddSingleton<Collections.CollectionService>();
    }

    private static void AddStudioAccounts(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, StudioAuthenticationStateProvider>();
        services.AddSingleton<SetupState>();
        services.AddSingleton<AccountService>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "cmlora.auth";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.LoginPath = "/account/login";
            cookie.LogoutPath = "/account/logout";
            cookie.AccessDeniedPath = "/account/access-denied";
            cookie.SlidingExpiration = true;
            cookie.ExpireTimeSpan = TimeSpan.FromDays(7);
            // API callers get status codes, not an HTML login page.
            cookie.Events = new CookieAuthenticationEvents
            {
                OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized),
                OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden),
            };
        });
        // Disabled accounts and password changes take effect on other devices within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddIdentityCore<StudioUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.SignIn.RequireConfirmedAccount = true; // answered by EnabledAccountConfirmation
                options.Password.RequiredLength = 8;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<StudioDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<StudioClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();
        services.AddScoped<IUserConfirmation<StudioUser>, EnabledAccountConfirmation>();

        // Everything requires a signed-in user unless it says otherwise ([AllowAnonymous] / AllowAnonymous()).
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(StudioRoles.AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(StudioRoles.Admin));
    }

    private static Task RedirectOrStatus(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs"))
            context.Response.StatusCode = status;
        else
            context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}

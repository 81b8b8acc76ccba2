using CMLoRA.Engine.Devices;
using CMLoRA.Storage;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Api;
using CMLoRA.Web.Components;
using CMLoRA.Web.Configuration;
using CMLoRA.Web.Endpoints;
using CMLoRA.Web.Library;
using CMLoRA.Web.Extensions;
using CMLoRA.Web.Progress;
#if DEBUG
using CMLoRA.Web.Progress.TestHooks;
#endif
using Microsoft.EntityFrameworkCore;

string contentRoot = ContentRoot.Locate();
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = contentRoot,
    WebRootPath = Path.Combine(contentRoot, "wwwroot"),
});
// Package and framework assets (MudBlazor, blazor.web.js) are served from the build's static-web-asset
// manifest in every environment, not only Development, so `dotnet run` works without a publish.
builder.WebHost.UseStaticWebAssets();

var paths = builder.AddStudioServices(contentRoot);
#if DEBUG
builder.AddProgressTestHooks(); // only with Studio__TestHooks=true; after every other registration
#endif

var app = builder.Build();

using (var scope = app.Services.CreateScope())
{
    var logger = scope.ServiceProvider.GetRequiredService<ILogger<Program>>();
    await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<StudioDbContext>>().CreateDbContextAsync();
    var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
    await SqliteDatabase.MigrateAsync(db);
    logger.LogInformation("Database {DatabasePath} ready ({Applied} migrations applied now)", paths.DatabasePath, pending.Count);
    await app.Services.SeedAccountsAsync();
    if (paths.ClearTemp() is > 0 and var removed)
        logger.LogInformation("Removed {Count} interrupted upload(s) from {Folder}", removed, paths.Temp);
    app.Services.GetRequiredService<ComputeDevice>(); // choose and log the device once, at start-up
    await app.Services.SeedDemoLibraryAsync();
}

if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
// Pages get the studio's not-found page; API and hub callers keep their bare status codes (401, 403, 404).
app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/hubs"),
    pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
app.UseStaticFiles();
app.UseAuthentication();
app.UseFirstRunRedirect(); // before authorization: a fresh install goes to /setup, not to the sign-in page
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapHealthEndpoint();
app.MapAccountApi();
app.MapAdminApi();
app.MapLoraApi();
app.MapCollectionApi();
app.MapJobApi();
app.MapImageApi();
app.MapModelApi();
app.MapTokenApi();
app.MapOpenApi();
app.MapProgressHub();
#if DEBUG
app.MapProgressTestHooks();
#endif
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var address in app.Urls)
        app.Logger.LogInformation("CMLoRA Studio is running at {Url}", address);
});

app.Run();

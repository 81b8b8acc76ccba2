using CMLoRA.Engine.Devices;
using CMLoRA.Storage;
using CMLoRA.Web.Components;
using CMLoRA.Web.Configuration;
using CMLoRA.Web.Endpoints;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;

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

var studio = builder.Configuration.GetSection(StudioOptions.Section).Get<StudioOptions>() ?? new StudioOptions();
builder.Services.Configure<StudioOptions>(builder.Configuration.GetSection(StudioOptions.Section));
string dataDir = studio.ResolveDataDir(contentRoot);
string databasePath = studio.ResolveDatabasePath(contentRoot);
Directory.CreateDirectory(dataDir);

builder.Services.AddDbContextFactory<StudioDbContext>(options => options.UseStudioSqlite(databasePath));
builder.Services.AddSingleton(services =>
    ComputeDevice.Select(studio.Device, logger: services.GetRequiredService<ILoggerFactory>().CreateLogger("CMLoRA.Engine")));

// Keys that protect cookies and anti-forgery tokens live with the data, so sign-ins survive restarts.
builder.Services.AddDataProtection()
    .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDir, "keys")))
    .SetApplicationName("CMLoRA Studio");

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();

var app = builder.Build();

using (var scope = app.Services.CreateScope())
{
    var logger = scope.ServiceProvider.GetRequiredService<ILogger<Program>>();
    await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<StudioDbContext>>().CreateDbContextAsync();
    var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
    await SqliteDatabase.MigrateAsync(db);
    logger.LogInformation("Database {DatabasePath} ready ({Applied} migrations applied now)", databasePath, pending.Count);
    app.Services.GetRequiredService<ComputeDevice>(); // choose and log the device once, at start-up
}

if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseStaticFiles();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapHealthEndpoint();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var address in app.Urls)
        app.Logger.LogInformation("CMLoRA Studio is running at {Url}", address);
});

app.Run();

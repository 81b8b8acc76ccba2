using CMLoRA.Web.Accounts;

namespace CMLoRA.Web.Library;

/// <summary>Start-up wiring of the demo library: register now, and again when a fresh install gets its first administrator.</summary>
public static class DemoLibraryStartup
{
    public static async Task SeedDemoLibraryAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var seeder = services.GetRequiredService<DemoLibrarySeeder>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoLibrarySeeder));
        // Without an administrator nobody can own the demo LoRAs yet; the first-run page creates one later.
        services.GetRequiredService<SetupState>().AccountsCreated += () => _ = Task.Run(async () =>
        {
            try { await seeder.SeedAsync(); }
            catch (Exception e) { logger.LogError(e, "Registering the demo LoRAs failed"); }
        });
        try
        {
            await seeder.SeedAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The demo library is a convenience: a failure is logged and the studio starts without it.
            logger.LogError(e, "Registering the demo LoRAs failed");
        }
    }
}

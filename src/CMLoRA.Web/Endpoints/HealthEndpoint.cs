using CMLoRA.Engine.Devices;
using CMLoRA.Storage;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.Endpoints;

/// <summary>GET /healthz: is the database reachable and migrated, which device the engine uses, which version runs.</summary>
public static class HealthEndpoint
{
    public sealed record DatabaseHealth(bool Reachable, int PendingMigrations, string? Error);
    public sealed record EngineHealth(string Device, string TorchSharp);
    public sealed record HealthReport(string Status, string Version, DatabaseHealth Database, EngineHealth Engine);

    public static IEndpointRouteBuilder MapHealthEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", async (IDbContextFactory<StudioDbContext> dbFactory, ComputeDevice device, CancellationToken ct) =>
        {
            DatabaseHealth database;
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                bool reachable = await db.Database.CanConnectAsync(ct);
                int pending = reachable ? (await db.Database.GetPendingMigrationsAsync(ct)).Count() : -1;
                database = new DatabaseHealth(reachable, pending, null);
            }
            catch (Exception e)
            {
                database = new DatabaseHealth(false, -1, e.Message);
            }
            bool healthy = database.Reachable && database.PendingMigrations == 0;
            var report = new HealthReport(healthy ? "healthy" : "unhealthy", EngineInfo.EngineVersion, database,
                new EngineHealth(device.Description, EngineInfo.TorchSharpVersion));
            return Results.Json(report, statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous();
        return routes;
    }
}

using CMLoRA.Web.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CMLoRA.Web.Progress;

/// <summary>Registers and maps live progress: the hub, its broadcaster (the studio's <see cref="IJobEventSink"/>) and the in-process feed.</summary>
public static class ProgressServiceExtensions
{
    public const string HubPath = "/hubs/progress";

    public static IServiceCollection AddStudioProgress(this IServiceCollection services)
    {
        services.AddSignalR();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ProgressFeed>();
        services.AddSingleton<HubJobEventSink>();
        // The broadcaster replaces whatever sink was registered before (a worker's default or a no-op).
        services.RemoveAll<IJobEventSink>();
        services.AddSingleton<IJobEventSink>(sp => sp.GetRequiredService<HubJobEventSink>());
        services.AddHostedService(sp => sp.GetRequiredService<HubJobEventSink>());
        services.AddScoped<ProgressSubscription>();
        // The job store registers the real rule; until one does, nobody may watch (the hub still starts).
        services.TryAddScoped<IJobAccess, DenyAllJobAccess>();
        return services;
    }

    public static IEndpointRouteBuilder MapProgressHub(this IEndpointRouteBuilder routes)
    {
        routes.MapHub<ProgressHub>(HubPath).RequireAuthorization();
        return routes;
    }
}

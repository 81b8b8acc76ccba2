namespace CMLoRA.Web.Studio;

/// <summary>Services of the Generate, Queue and History pages.</summary>
public static class StudioPageServices
{
    public static IServiceCollection AddStudioPages(this IServiceCollection services)
    {
        services.AddScoped<HistoryService>();
        services.AddScoped<CostEstimator>();
        services.AddScoped<RecipeRestore>();
        return services;
    }
}

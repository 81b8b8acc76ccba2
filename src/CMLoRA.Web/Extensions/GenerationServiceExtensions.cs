using CMLoRA.Web.ApiTokens;
using CMLoRA.Web.Generation;
using CMLoRA.Web.Jobs;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CMLoRA.Web.Extensions;

/// <summary>Generation: the persisted queue, the single worker, the scoped services, API tokens and the OpenAPI document.</summary>
public static class GenerationServiceExtensions
{
    public static void AddStudioGeneration(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<GenerationQueue>();
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<GeneratorHost>();
        services.AddScoped<GenerationService>();
        services.AddScoped<ImageService>();
        services.TryAddSingleton<IJobAccess, JobAccess>();
        // The progress hub registers the real sink; this one only stands in when nothing else is registered.
        services.TryAddSingleton<IJobEventSink, NullJobEventSink>();
        services.TryAddSingleton<IStepGate, OpenStepGate>();
        services.AddHostedService<GenerationWorker>();

        services.AddSingleton<ApiTokenService>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(ApiTokenAuthenticationHandler.SelectorScheme, "Sign-in cookie or API token", policy =>
                policy.ForwardDefaultSelector = context => ApiTokenAuthenticationHandler.HasBearer(context.Request)
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme);
        // Requests that carry a bearer token are authenticated by it; everything else by the sign-in cookie, as before.
        services.Configure<AuthenticationOptions>(options => options.DefaultScheme = ApiTokenAuthenticationHandler.SelectorScheme);

        services.AddOpenApi();
    }
}

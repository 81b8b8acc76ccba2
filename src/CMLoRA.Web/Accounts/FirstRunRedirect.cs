using Microsoft.AspNetCore.Components.Endpoints;

namespace CMLoRA.Web.Accounts;

/// <summary>
/// Until the first administrator exists, every page sends the browser to /setup (static files, /healthz and the
/// setup page itself are left alone), so a fresh install cannot be used, or claimed later, by anyone else.
/// </summary>
public static class FirstRunRedirect
{
    public const string SetupPath = "/setup";

    public static IApplicationBuilder UseFirstRunRedirect(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var endpoint = context.GetEndpoint();
        bool isPage = endpoint?.Metadata.GetMetadata<ComponentTypeMetadata>() != null;
        if (isPage && !context.Request.Path.StartsWithSegments(SetupPath)
            && await context.RequestServices.GetRequiredService<SetupState>().NeedsSetupAsync(context.RequestAborted))
        {
            context.Response.Redirect(SetupPath);
            return;
        }
        await next(context);
    });
}

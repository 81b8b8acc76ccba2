using CMLoRA.Web.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CMLoRA.Web.Api;

/// <summary>/api/admin/users: admins list, create, disable and re-role accounts.</summary>
public static class AdminApi
{
    public sealed record RoleChange(string Role);

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/api/admin/users")
            .RequireAuthorization(StudioRoles.AdminPolicy)
            .AddEndpointFilter<AntiforgeryHeaderFilter>()
            .WithTags("Admin");

        users.MapGet("/", async (AccountService accounts, CancellationToken ct) => TypedResults.Ok(await accounts.ListAsync(ct)))
            .WithSummary("Every account with its role and state.");

        users.MapPost("/", async Task<Results<Created<AccountDto>, ProblemHttpResult>> (NewAccount request, AccountService accounts, CancellationToken ct) =>
        {
            var result = await accounts.CreateAsync(request, ct);
            return result.Succeeded
                ? TypedResults.Created($"/api/admin/users/{result.Account!.Id}", result.Account)
                : TypedResults.Problem(result.Error, statusCode: StatusCodes.Status400BadRequest, title: "Account not created");
        }).WithSummary("Creates a member or admin with an initial password.");

        users.MapPost("/{id}/disable", (string id, HttpContext http, AccountService accounts, CancellationToken ct) =>
            ApplyAsync(accounts.SetDisabledAsync(id, true, CurrentUser.Require(http.User), ct))).WithSummary("Disables an account and signs it out everywhere.");
        users.MapPost("/{id}/enable", (string id, HttpContext http, AccountService accounts, CancellationToken ct) =>
            ApplyAsync(accounts.SetDisabledAsync(id, false, CurrentUser.Require(http.User), ct))).WithSummary("Re-enables an account and clears its lockout.");
        users.MapPost("/{id}/role", (string id, RoleChange change, HttpContext http, AccountService accounts, CancellationToken ct) =>
            ApplyAsync(accounts.SetRoleAsync(id, change.Role, CurrentUser.Require(http.User), ct))).WithSummary("Makes an account Admin or Member.");
        return routes;
    }

    private static async Task<Results<Ok<AccountDto>, ProblemHttpResult>> ApplyAsync(Task<AccountResult> operation)
    {
        var result = await operation;
        return result.Succeeded
            ? TypedResults.Ok(result.Account!)
            : TypedResults.Problem(result.Error, statusCode: StatusCodes.Status400BadRequest, title: "Account not changed");
    }
}

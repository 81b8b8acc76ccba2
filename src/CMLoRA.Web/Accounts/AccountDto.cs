namespace CMLoRA.Web.Accounts;

/// <summary>An account as the admin page and API show it.</summary>
public sealed record AccountDto(string Id, string Email, string DisplayName, string Role, bool IsDisabled, bool IsLockedOut, DateTimeOffset CreatedAt);

/// <summary>What an admin (or the first-run page) submits to create an account.</summary>
public sealed class NewAccount
{
    public string Email { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string Password { get; set; } = "";
    public string Role { get; set; } = StudioRoles.Member;
}

/// <summary>Success with the account, or a sentence saying what was wrong.</summary>
public sealed record AccountResult(AccountDto? Account, string? Error)
{
    public bool Succeeded => Account != null;
    public static AccountResult Fail(string error) => new(null, error);
}

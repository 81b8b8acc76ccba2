using Microsoft.AspNetCore.Identity;

namespace CMLoRA.Storage;

/// <summary>A studio account (ASP.NET Core Identity user) with the fields the team pages show.</summary>
public sealed class StudioUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public bool IsDisabled { get; set; }
}

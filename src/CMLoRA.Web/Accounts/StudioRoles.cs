namespace CMLoRA.Web.Accounts;

/// <summary>The two roles of a studio team and the authorization policy names built on them.</summary>
public static class StudioRoles
{
    public const string Admin = "Admin";
    public const string Member = "Member";

    public static readonly string[] All = [Admin, Member];

    /// <summary>Policy: signed in and in the Admin role.</summary>
    public const string AdminPolicy = "studio-admin";
}

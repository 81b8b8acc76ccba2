namespace CMLoRA.TestSupport;

/// <summary>Accounts the tests create; passwords satisfy the studio's policy (8+ characters, digit, upper, lower).</summary>
public static class TestAccounts
{
    public const string AdminEmail = "admin@studio.test";
    public const string AdminName = "Ada Admin";
    public const string Password = "Studio-Pass1";

    /// <summary>Environment for an unattended install whose first admin comes from configuration.</summary>
    public static Dictionary<string, string> AdminEnvironment() => new()
    {
        ["Studio__Admin__Email"] = AdminEmail,
        ["Studio__Admin__Password"] = Password,
        ["Studio__Admin__DisplayName"] = AdminName,
    };
}

namespace CMLoRA.Web.Configuration;

/// <summary>
/// "Studio:Admin": when both Email and Password are set and the studio has no accounts yet, start-up creates this
/// administrator instead of asking for one in the browser. Ignored once any account exists.
/// </summary>
public sealed class AdminBootstrapOptions
{
    public string Email { get; set; } = "";
    public string Password { get; set; } = "";
    public string DisplayName { get; set; } = "";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Email) && !string.IsNullOrEmpty(Password);
}

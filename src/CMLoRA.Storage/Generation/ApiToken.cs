namespace CMLoRA.Storage.Generation;

/// <summary>
/// A personal API token (Authorization: Bearer …). Only the SHA-256 of the secret is stored; the secret is shown once,
/// when the token is created.
/// </summary>
public sealed class ApiToken
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public string UserId { get; set; } = "";
    public StudioUser? User { get; set; }

    /// <summary>The owner's label ("render farm script").</summary>
    public string Name { get; set; } = "";

    /// <summary>SHA-256 of the secret, lower-case hex (64).</summary>
    public string SecretHash { get; set; } = "";

    /// <summary>The secret's first characters, shown in lists so the owner can tell tokens apart.</summary>
    public string Prefix { get; set; } = "";

    public DateTimeOffset CreatedUtc { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? LastUsedUtc { get; set; }
    public DateTimeOffset? RevokedUtc { get; set; }
}

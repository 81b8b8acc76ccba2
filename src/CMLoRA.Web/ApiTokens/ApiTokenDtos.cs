namespace CMLoRA.Web.ApiTokens;

/// <summary>A token as its owner sees it in lists: never the secret.</summary>
public sealed record ApiTokenDto(Guid Id, string Name, string Prefix, DateTimeOffset CreatedUtc, DateTimeOffset? LastUsedUtc, DateTimeOffset? RevokedUtc);

/// <summary>A new token with its secret, shown this once.</summary>
public sealed record CreatedApiTokenDto(Guid Id, string Name, string Prefix, DateTimeOffset CreatedUtc, string Secret);

public sealed record CreateApiTokenRequest(string Name);

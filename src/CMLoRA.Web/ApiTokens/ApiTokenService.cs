using System.Security.Cryptography;
using System.Text;
using CMLoRA.Storage;
using CMLoRA.Storage.Generation;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Library;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.ApiTokens;

/// <summary>
/// Personal API tokens: "cml_" and 43 URL-safe characters (256 random bits). Only their SHA-256 is stored, so the
/// secret is shown once, at creation; a revoked token stops working on its next request.
/// </summary>
public sealed class ApiTokenService(IDbContextFactory<StudioDbContext> dbFactory)
{
    public const string SecretPrefix = "cml_";
    public const int MaxTokensPerUser = 50;

    public async Task<ServiceResult<CreatedApiTokenDto>> CreateAsync(CurrentUser user, string? name, CancellationToken cancellationToken = default)
    {
        name = (name ?? "").Trim();
        if (name.Length is 0 or > 100) return ServiceResult<CreatedApiTokenDto>.Invalid("Give the token a name of 1 to 100 characters.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.ApiTokens.CountAsync(t => t.UserId == user.Id && t.RevokedUtc == null, cancellationToken) >= MaxTokensPerUser)
            return ServiceResult<CreatedApiTokenDto>.Invalid($"You have {MaxTokensPerUser} active tokens; revoke one first.");
        string secret = SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var token = new ApiToken { UserId = user.Id, Name = name, SecretHash = Hash(secret), Prefix = secret[..10], CreatedUtc = DateTimeOffset.UtcNow };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<CreatedApiTokenDto>.Ok(new CreatedApiTokenDto(token.Id, token.Name, token.Prefix, token.CreatedUtc, secret));
    }

    /// <summary>The user's tokens, newest first, revoked ones included.</summary>
    public async Task<IReadOnlyList<ApiTokenDto>> ListAsync(CurrentUser user, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var tokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == user.Id).OrderByDescending(t => t.CreatedUtc).ToListAsync(cancellationToken);
        return tokens.Select(t => new ApiTokenDto(t.Id, t.Name, t.Prefix, t.CreatedUtc, t.LastUsedUtc, t.RevokedUtc)).ToList();
    }

    /// <summary>Revokes one of the user's tokens (others' tokens do not exist for them).</summary>
    public async Task<ServiceResult<ApiTokenDto>> RevokeAsync(CurrentUser user, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id && t.UserId == user.Id, cancellationToken);
        if (token is null) return ServiceResult<ApiTokenDto>.NotFound();
        token.RevokedUtc ??= DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<ApiTokenDto>.Ok(new ApiTokenDto(token.Id, token.Name, token.Prefix, token.CreatedUtc, token.LastUsedUtc, token.RevokedUtc));
    }

    /// <summary>The user id of an active token, recording its use (at most once a minute), or null.</summary>
    public async Task<string?> AuthenticateAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || secret.Length > 100) return null;
        string hash = Hash(secret);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.SecretHash == hash && t.RevokedUtc == null, cancellationToken);
        if (token is null) return null;
        var now = DateTimeOffset.UtcNow;
        if (token.LastUsedUtc is null || now - token.LastUsedUtc > TimeSpan.FromMinutes(1))
        {
            token.LastUsedUtc = now;
            await db.SaveChangesAsync(cancellationToken);
        }
        return token.UserId;
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

using CMLoRA.Storage;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.Accounts;

/// <summary>
/// Whether the studio still waits for its first administrator. Once an account exists the answer never changes
/// back, so it is cached and the database is asked only until then.
/// </summary>
public sealed class SetupState(IDbContextFactory<StudioDbContext> dbFactory)
{
    private volatile bool _accountsExist;

    /// <summary>Serialises first-admin creation so two browsers racing on /setup cannot both become admin.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public async Task<bool> NeedsSetupAsync(CancellationToken cancellationToken = default)
    {
        if (_accountsExist) return false;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        _accountsExist = await db.Users.AnyAsync(cancellationToken);
        return !_accountsExist;
    }

    /// <summary>Raised when this process creates the first account of a fresh install (the demo library waits for it).</summary>
    public event Action? AccountsCreated;

    public void MarkAccountsExist()
    {
        if (_accountsExist) return;
        _accountsExist = true;
        AccountsCreated?.Invoke();
    }
}

using System.Security.Claims;
using CMLoRA.Storage;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.Generation;

/// <summary>Who may watch a job live: its owner, admins, and team members when the job is team-visible.</summary>
public sealed class JobAccess(IDbContextFactory<StudioDbContext> dbFactory) : IJobAccess
{
    public async Task<string?> OwnerIfWatchableAsync(Guid jobId, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (CurrentUser.From(user) is not { } caller) return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.GenerationJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        return job is not null && GenerationService.CanView(caller, job) ? job.OwnerId : null;
    }
}

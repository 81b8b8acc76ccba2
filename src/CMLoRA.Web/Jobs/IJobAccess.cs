using System.Security.Claims;

namespace CMLoRA.Web.Jobs;

/// <summary>Who may watch a job live: its owner always; other signed-in team members when the job is visible to the team; admins.</summary>
public interface IJobAccess
{
    /// <summary>The job's owner id when <paramref name="user"/> may watch it, else null (unknown jobs too).</summary>
    Task<string?> OwnerIfWatchableAsync(Guid jobId, ClaimsPrincipal user, CancellationToken cancellationToken = default);
}

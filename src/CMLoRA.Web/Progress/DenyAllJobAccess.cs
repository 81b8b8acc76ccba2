using System.Security.Claims;
using CMLoRA.Web.Jobs;

namespace CMLoRA.Web.Progress;

/// <summary>The access rule used only while no job store is registered: nobody may watch anything.</summary>
internal sealed class DenyAllJobAccess : IJobAccess
{
    public Task<string?> OwnerIfWatchableAsync(Guid jobId, ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        Task.FromResult<string?>(null);
}

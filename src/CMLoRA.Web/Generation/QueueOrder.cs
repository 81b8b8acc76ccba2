using CMLoRA.Storage;
using CMLoRA.Storage.Generation;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.Generation;

/// <summary>Reads the waiting jobs and puts them in <see cref="FairOrder"/>: what the worker runs next and what the queue page shows.</summary>
public static class QueueOrder
{
    public static bool IsWaiting(GenerationJobStatus status) => status is GenerationJobStatus.Queued or GenerationJobStatus.Interrupted;

    /// <summary>Every waiting job, in the order the worker will run them.</summary>
    public static async Task<IReadOnlyList<GenerationJobRecord>> WaitingAsync(StudioDbContext db, CancellationToken cancellationToken)
    {
        var waiting = await db.GenerationJobs.AsNoTracking()
            .Where(j => j.Status == GenerationJobStatus.Queued || j.Status == GenerationJobStatus.Interrupted)
            .ToListAsync(cancellationToken);
        if (waiting.Count == 0) return [];

        var lastStarted = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (string owner in waiting.Select(j => j.OwnerId).Distinct())
        {
            var last = await db.GenerationJobs.AsNoTracking()
                .Where(j => j.OwnerId == owner && j.StartedUtc != null)
                .OrderByDescending(j => j.StartedUtc)
                .Select(j => j.StartedUtc)
                .FirstOrDefaultAsync(cancellationToken);
            if (last is { } t) lastStarted[owner] = t;
        }
        var byId = waiting.ToDictionary(j => j.Id);
        return FairOrder.Order(waiting.Select(j => new QueuedJob(j.Id, j.OwnerId, j.CreatedUtc, j.AdminPriority)), lastStarted)
            .Select(q => byId[q.Id])
            .ToList();
    }
}

namespace CMLoRA.Storage.Generation;

/// <summary>
/// The order in which waiting jobs run. Jobs an admin placed come first (lowest priority number first, then oldest).
/// The rest go round-robin across owners, one job per owner per round, FIFO within an owner. Owners take their turn
/// in each round by who was served least recently (never served first), then by their oldest waiting job, so a user
/// who just had a job run waits behind a user who has not, however many jobs the first one queued earlier.
/// </summary>
public static class FairOrder
{
    /// <summary>Orders <paramref name="waiting"/>; <paramref name="lastStartedByOwner"/> holds when each owner's latest job started.</summary>
    public static IReadOnlyList<QueuedJob> Order(IEnumerable<QueuedJob> waiting, IReadOnlyDictionary<string, DateTimeOffset>? lastStartedByOwner = null)
    {
        var jobs = waiting.ToList();
        var result = jobs.Where(j => j.AdminPriority is not null)
            .OrderBy(j => j.AdminPriority).ThenBy(j => j.CreatedUtc).ThenBy(j => j.Id)
            .ToList();

        var owners = jobs.Where(j => j.AdminPriority is null)
            .GroupBy(j => j.OwnerId, StringComparer.Ordinal)
            .Select(g => new
            {
                Owner = g.Key,
                Jobs = g.OrderBy(j => j.CreatedUtc).ThenBy(j => j.Id).ToList(),
                LastStarted = lastStartedByOwner != null && lastStartedByOwner.TryGetValue(g.Key, out var t) ? t : (DateTimeOffset?)null,
            })
            // Never served (null) sorts before any time.
            .OrderBy(o => o.LastStarted ?? DateTimeOffset.MinValue)
            .ThenBy(o => o.Jobs[0].CreatedUtc)
            .ThenBy(o => o.Owner, StringComparer.Ordinal)
            .ToList();

        int rounds = owners.Count == 0 ? 0 : owners.Max(o => o.Jobs.Count);
        for (int round = 0; round < rounds; round++)
            foreach (var owner in owners)
                if (round < owner.Jobs.Count) result.Add(owner.Jobs[round]);
        return result;
    }
}

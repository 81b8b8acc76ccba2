namespace CMLoRA.Storage.Generation;

/// <summary>What <see cref="FairOrder"/> needs of one waiting job.</summary>
/// <param name="Id">The job.</param>
/// <param name="OwnerId">Who queued it.</param>
/// <param name="CreatedUtc">When it was queued (FIFO within an owner).</param>
/// <param name="AdminPriority">An admin's explicit place (lower first), or null for the fair order.</param>
public sealed record QueuedJob(Guid Id, string OwnerId, DateTimeOffset CreatedUtc, int? AdminPriority = null);

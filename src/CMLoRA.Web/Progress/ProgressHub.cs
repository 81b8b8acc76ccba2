using System.Collections.Concurrent;
using CMLoRA.Web.Jobs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace CMLoRA.Web.Progress;

/// <summary>
/// Live job progress at <c>/hubs/progress</c>. Every connection of a signed-in user receives the events of that user's
/// own jobs without asking (SignalR's per-user addressing, by StudioUser id). Anyone else whom
/// <see cref="IJobAccess"/> lets watch a job (team members for team-visible jobs, admins) opts in with
/// <see cref="Watch"/>, which adds the connection to the job's group.
/// </summary>
/// <remarks>
/// Owners never join a job group: the broadcaster sends to the owner's connections and to the job group, and keeping
/// the two sets disjoint is what guarantees no connection gets an event twice.
/// </remarks>
[Authorize]
public sealed class ProgressHub(IJobAccess access, ILogger<ProgressHub> logger) : Hub<IProgressClient>
{
    /// <summary>How many jobs one connection may watch at once (the Queue page watches a screenful).</summary>
    public const int MaxWatchedJobs = 200;

    // Connection id → jobs it watches, so the cap holds; groups themselves are cleaned up by SignalR on disconnect.
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, byte>> Watching = new();

    public static string JobGroup(Guid jobId) => "job:" + jobId.ToString("N");

    /// <summary>
    /// Starts sending the events of <paramref name="jobId"/> to this connection. True when the caller owns the job
    /// (its events already arrive) or may watch it; a <see cref="HubException"/> otherwise, worded the same for
    /// unknown jobs and jobs the caller may not see.
    /// </summary>
    public async Task<bool> Watch(Guid jobId)
    {
        string? owner = await access.OwnerIfWatchableAsync(jobId, Context.User!, Context.ConnectionAborted);
        if (owner == null)
        {
            logger.LogInformation("User {User} may not watch job {Job}", Context.UserIdentifier, jobId);
            throw new HubException($"You may not watch job {jobId}: it does not exist or its owner has not shared it with the team.");
        }
        if (owner == Context.UserIdentifier) return true;

        var jobs = Watching.GetOrAdd(Context.ConnectionId, _ => new());
        if (!jobs.ContainsKey(jobId) && jobs.Count >= MaxWatchedJobs)
            throw new HubException($"A connection may watch at most {MaxWatchedJobs} jobs at once; unwatch some first.");
        jobs.TryAdd(jobId, 0);
        await Groups.AddToGroupAsync(Context.ConnectionId, JobGroup(jobId), Context.ConnectionAborted);
        return true;
    }

    /// <summary>Stops sending <paramref name="jobId"/>'s events to this connection (a no-op for jobs it does not watch; owners keep receiving their own).</summary>
    public async Task Unwatch(Guid jobId)
    {
        if (Watching.TryGetValue(Context.ConnectionId, out var jobs)) jobs.TryRemove(jobId, out _);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, JobGroup(jobId), Context.ConnectionAborted);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        Watching.TryRemove(Context.ConnectionId, out _);
        return base.OnDisconnectedAsync(exception);
    }
}

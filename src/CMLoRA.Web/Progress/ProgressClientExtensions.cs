using CMLoRA.Web.Jobs;

namespace CMLoRA.Web.Progress;

/// <summary>Routes an event to the <see cref="IProgressClient"/> method of its kind.</summary>
public static class ProgressClientExtensions
{
    public static Task DeliverAsync(this IProgressClient client, JobEvent e) => e switch
    {
        JobQueued queued => client.JobQueued(queued),
        JobStarted started => client.JobStarted(started),
        JobModelLoading loading => client.JobModelLoading(loading),
        JobStep step => client.JobStep(step),
        JobFinished finished => client.JobFinished(finished),
        JobFailed failed => client.JobFailed(failed),
        JobCancelled cancelled => client.JobCancelled(cancelled),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "unknown job event"),
    };

    /// <summary>True for the events after which a job sends nothing more.</summary>
    public static bool IsTerminal(this JobEvent e) => e is JobFinished or JobFailed or JobCancelled;
}

namespace CMLoRA.Web.Jobs;

/// <summary>Where the generation worker reports job events; the progress hub's broadcaster implements it.</summary>
public interface IJobEventSink
{
    Task QueuedAsync(JobQueued e);
    Task StartedAsync(JobStarted e);
    Task ModelLoadingAsync(JobModelLoading e);
    Task StepAsync(JobStep e);
    Task FinishedAsync(JobFinished e);
    Task FailedAsync(JobFailed e);
    Task CancelledAsync(JobCancelled e);
}

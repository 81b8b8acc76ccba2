using CMLoRA.Web.Jobs;

namespace CMLoRA.Web.Generation;

/// <summary>Drops job events; registered only when nothing else (the progress hub's broadcaster) is.</summary>
public sealed class NullJobEventSink : IJobEventSink
{
    public Task QueuedAsync(JobQueued e) => Task.CompletedTask;
    public Task StartedAsync(JobStarted e) => Task.CompletedTask;
    public Task ModelLoadingAsync(JobModelLoading e) => Task.CompletedTask;
    public Task StepAsync(JobStep e) => Task.CompletedTask;
    public Task FinishedAsync(JobFinished e) => Task.CompletedTask;
    public Task FailedAsync(JobFailed e) => Task.CompletedTask;
    public Task CancelledAsync(JobCancelled e) => Task.CompletedTask;
}

using CMLoRA.Web.Jobs;

namespace CMLoRA.Web.Progress;

/// <summary>
/// What the progress hub calls on its clients: one method per job event, named after the event record, with the
/// record as its only argument (JSON, camelCase; <c>previewPng</c> travels as base64). In-process subscribers
/// (<see cref="ProgressSubscription"/>) receive the same calls.
/// </summary>
public interface IProgressClient
{
    Task JobQueued(JobQueued e);
    Task JobStarted(JobStarted e);
    Task JobModelLoading(JobModelLoading e);
    Task JobStep(JobStep e);
    Task JobFinished(JobFinished e);
    Task JobFailed(JobFailed e);
    Task JobCancelled(JobCancelled e);
}

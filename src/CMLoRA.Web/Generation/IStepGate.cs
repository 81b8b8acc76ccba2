namespace CMLoRA.Web.Generation;

/// <summary>
/// Consulted by the worker after each sampler step has been reported. The studio's gate is always open; Debug builds
/// with test hooks replace it with one that can hold the worker at a step, so tests that need a running job do not
/// depend on how fast the machine is.
/// </summary>
public interface IStepGate
{
    /// <summary>Returns when the job may go on; throws <see cref="OperationCanceledException"/> if the job is cancelled while held.</summary>
    void AfterStep(Guid jobId, int step, CancellationToken cancellationToken);
}

/// <summary>The gate of a normal studio: never holds.</summary>
public sealed class OpenStepGate : IStepGate
{
    public void AfterStep(Guid jobId, int step, CancellationToken cancellationToken) { }
}

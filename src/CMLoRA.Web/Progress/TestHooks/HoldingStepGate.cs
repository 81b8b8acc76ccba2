#if DEBUG
using CMLoRA.Web.Generation;

namespace CMLoRA.Web.Progress.TestHooks;

/// <summary>
/// The test hooks' step gate: once told to hold at step N, a job that reports step N or later waits there until it is
/// released or cancelled. Tests use it to keep a real job running for as long as they need, on a machine of any speed.
/// </summary>
public sealed class HoldingStepGate : IStepGate
{
    private readonly object _lock = new();
    private readonly ManualResetEventSlim _released = new(initialState: true);
    private int? _holdAt;
    private Guid? _heldJob;
    private int _heldStep;

    public sealed record State(bool Holding, int? HoldAt, Guid? HeldJob, int HeldStep);

    public State Current
    {
        get { lock (_lock) return new State(_holdAt != null, _holdAt, _heldJob, _heldStep); }
    }

    public void Hold(int atStep)
    {
        lock (_lock)
        {
            _holdAt = atStep;
            _released.Reset();
        }
    }

    public void Release()
    {
        lock (_lock)
        {
            _holdAt = null;
            _released.Set();
        }
    }

    public void AfterStep(Guid jobId, int step, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_holdAt is not int at || step < at) return;
            _heldJob = jobId;
            _heldStep = step;
        }
        try
        {
            _released.Wait(cancellationToken); // a cancel ends the wait just as it would end the next sampler step
        }
        finally
        {
            lock (_lock) if (_heldJob == jobId) _heldJob = null;
        }
    }
}
#endif

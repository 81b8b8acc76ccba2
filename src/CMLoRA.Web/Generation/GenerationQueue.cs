namespace CMLoRA.Web.Generation;

/// <summary>
/// What the generation services and the single worker share in memory: the wake-up signal, the running job's
/// cancellation and live progress, and the last measured speed (for ETAs). The queue itself lives in the database.
/// </summary>
public sealed class GenerationQueue
{
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private readonly Lock _lock = new();
    private RunningJob? _running;

    /// <summary>The job the worker is running, or null.</summary>
    public RunningJob? Running
    {
        get { lock (_lock) return _running; }
    }

    /// <summary>Steps per second of the last steps the worker ran (null before the first step since start-up).</summary>
    public double? StepsPerSecond { get; private set; }

    /// <summary>Tells the worker that something changed (a job queued, cancelled or reordered).</summary>
    public void Wake() => _signal.Release();

    /// <summary>Waits for <see cref="Wake"/> or the timeout; the worker polls the database either way.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _signal.WaitAsync(timeout, cancellationToken);
        while (_signal.CurrentCount > 0) _signal.Wait(0); // one pass of the worker answers every pending wake-up
    }

    internal RunningJob Start(Guid jobId, string ownerId, int totalSteps, int stepsDone, CancellationToken stopping)
    {
        var running = new RunningJob(jobId, ownerId, totalSteps, CancellationTokenSource.CreateLinkedTokenSource(stopping)) { Step = stepsDone };
        lock (_lock) _running = running;
        return running;
    }

    internal void Finish(RunningJob job)
    {
        lock (_lock)
            if (ReferenceEquals(_running, job)) _running = null;
        job.Cancellation.Dispose();
    }

    internal void ReportSpeed(double stepsPerSecond)
    {
        if (stepsPerSecond > 0 && double.IsFinite(stepsPerSecond)) StepsPerSecond = stepsPerSecond;
    }

    /// <summary>Cancels the job if it is the running one; the sampler stops within one step.</summary>
    public bool TryCancelRunning(Guid jobId)
    {
        var running = Running;
        if (running is null || running.JobId != jobId) return false;
        try
        {
            running.Cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return false; // it finished meanwhile
        }
        return true;
    }
}

/// <summary>The running job's live state, updated by the worker after every step.</summary>
public sealed class RunningJob(Guid jobId, string ownerId, int totalSteps, CancellationTokenSource cancellation)
{
    public Guid JobId { get; } = jobId;
    public string OwnerId { get; } = ownerId;
    public int TotalSteps { get; } = totalSteps;
    public volatile int Step;
    public double StepsPerSecond { get; set; }

    /// <summary>What the worker is doing for it: <see cref="LoadingModel"/> or <see cref="Generating"/>.</summary>
    public string Phase { get; set; } = Generating;

    /// <summary>The base model being loaded while <see cref="Phase"/> is <see cref="LoadingModel"/>.</summary>
    public string? Model { get; set; }

    public const string LoadingModel = "loading model";
    public const string Generating = "generating";
    internal CancellationTokenSource Cancellation { get; } = cancellation;

    public double? EtaSeconds => StepsPerSecond > 0 ? (TotalSteps - Step) / StepsPerSecond : null;
}

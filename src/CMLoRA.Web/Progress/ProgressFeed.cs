using System.Threading.Channels;
using CMLoRA.Web.Jobs;

namespace CMLoRA.Web.Progress;

/// <summary>
/// The in-process side of the broadcaster: Blazor circuits subscribe here (through <see cref="ProgressSubscription"/>)
/// instead of opening a SignalR client connection back to their own server. It also remembers each live job's latest
/// events, so a page opened in the middle of a job starts from where the job is.
/// </summary>
public sealed class ProgressFeed
{
    /// <summary>How long a finished job's last events stay replayable (a page opened just after it ended still shows the result).</summary>
    public static readonly TimeSpan FinishedRetention = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, JobState> _jobs = new();
    private readonly TimeProvider _time;

    public ProgressFeed(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    private sealed class JobState
    {
        public JobEvent? Queued, Started, Loading, Step, Terminal;
        public DateTimeOffset? EndedUtc;
        public readonly List<ChannelWriter<JobEvent>> Subscribers = new();

        public IEnumerable<JobEvent> Replay()
        {
            if (Terminal != null) return new[] { Started, Step, Terminal }.OfType<JobEvent>();
            // Loading is cleared by the first step: a page opened while the model loads says so, a later one shows the step.
            if (Started != null) return new[] { Started, Loading, Step }.OfType<JobEvent>();
            return new[] { Queued }.OfType<JobEvent>();
        }
    }

    /// <summary>
    /// Subscribes <paramref name="writer"/> to <paramref name="jobId"/>: the job's latest events are written first, then every
    /// new one, in order (both under one lock, so nothing is missed or repeated between the replay and the live events).
    /// </summary>
    public IDisposable Subscribe(Guid jobId, ChannelWriter<JobEvent> writer)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(jobId, out var state)) _jobs[jobId] = state = new JobState();
            foreach (var e in state.Replay()) writer.TryWrite(e);
            state.Subscribers.Add(writer);
        }
        return new Unsubscriber(this, jobId, writer);
    }

    /// <summary>Records <paramref name="e"/> and hands it to the job's subscribers (never blocks: their channels are unbounded).</summary>
    public void Publish(JobEvent e)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(e.JobId, out var state)) _jobs[e.JobId] = state = new JobState();
            switch (e)
            {
                case JobQueued: state.Queued = e; break;
                case JobStarted: state.Started = e; state.Loading = null; state.Step = null; break;
                case JobModelLoading: state.Loading = e; break;
                case JobStep step:
                    state.Loading = null;
                    // Keep the last preview on the remembered step, so a late page still shows an image.
                    state.Step = step.PreviewPng == null && state.Step is JobStep { PreviewPng: { } last } ? step with { PreviewPng = last } : step;
                    break;
                default: state.Terminal = e; state.EndedUtc = _time.GetUtcNow(); break;
            }
            foreach (var writer in state.Subscribers) writer.TryWrite(e);
            Prune();
        }
    }

    /// <summary>Jobs with remembered events or subscribers (for tests and diagnostics).</summary>
    public int TrackedJobs { get { lock (_gate) return _jobs.Count; } }

    private void Prune()
    {
        var now = _time.GetUtcNow();
        List<Guid>? expired = null;
        foreach (var (id, state) in _jobs)
            if (state.Subscribers.Count == 0 && state.EndedUtc is { } ended && now - ended > FinishedRetention)
                (expired ??= new()).Add(id);
        if (expired != null) foreach (var id in expired) _jobs.Remove(id);
    }

    private void Unsubscribe(Guid jobId, ChannelWriter<JobEvent> writer)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(jobId, out var state)) return;
            state.Subscribers.Remove(writer);
            if (state.Subscribers.Count == 0 && state.Queued == null && state.Started == null && state.Terminal == null)
                _jobs.Remove(jobId);
        }
    }

    private sealed class Unsubscriber(ProgressFeed feed, Guid jobId, ChannelWriter<JobEvent> writer) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) feed.Unsubscribe(jobId, writer);
        }
    }
}

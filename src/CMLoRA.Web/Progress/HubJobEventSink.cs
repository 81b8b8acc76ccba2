using System.Threading.Channels;
using CMLoRA.Web.Jobs;
using Microsoft.AspNetCore.SignalR;

namespace CMLoRA.Web.Progress;

/// <summary>
/// The studio's <see cref="IJobEventSink"/>: stamps each event, queues it, and a single pump delivers the queue in order
/// to the hub (the owner's connections and the job's watch group, which never overlap, see <see cref="ProgressHub"/>)
/// and to in-process subscribers (<see cref="ProgressFeed"/>). The worker never waits on a slow client: its calls
/// return once the event is queued.
/// </summary>
public sealed class HubJobEventSink(IHubContext<ProgressHub, IProgressClient> hub, ProgressFeed feed, TimeProvider time,
    ILogger<HubJobEventSink> logger) : BackgroundService, IJobEventSink
{
    private readonly Channel<JobEvent> _queue = Channel.CreateUnbounded<JobEvent>(new UnboundedChannelOptions { SingleReader = true });
    private long _delivered;

    /// <summary>Events delivered so far (all kinds).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    public Task QueuedAsync(JobQueued e) => Enqueue(e);
    public Task StartedAsync(JobStarted e) => Enqueue(e);
    public Task ModelLoadingAsync(JobModelLoading e) => Enqueue(e);
    public Task StepAsync(JobStep e) => Enqueue(e);
    public Task FinishedAsync(JobFinished e) => Enqueue(e);
    public Task FailedAsync(JobFailed e) => Enqueue(e);
    public Task CancelledAsync(JobCancelled e) => Enqueue(e);

    private Task Enqueue(JobEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.PublishedUtc == null) e = e with { PublishedUtc = time.GetUtcNow() };
        // Unbounded: TryWrite only fails after shutdown, when there is nobody left to tell.
        _queue.Writer.TryWrite(e);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var e in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            feed.Publish(e);
            try
            {
                // Awaited one after the other: each connection sees the events in the order the worker published them.
                await hub.Clients.User(e.OwnerId).DeliverAsync(e);
                await hub.Clients.Group(ProgressHub.JobGroup(e.JobId)).DeliverAsync(e);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not push {Event} of job {Job} to the progress hub", e.GetType().Name, e.JobId);
            }
            Interlocked.Increment(ref _delivered);
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }
}

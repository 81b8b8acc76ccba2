using System.Threading.Channels;
using CMLoRA.Web.Jobs;
using Microsoft.AspNetCore.Components.Authorization;

namespace CMLoRA.Web.Progress;

/// <summary>
/// How Blazor pages receive live job events: scoped to the circuit, it checks <see cref="IJobAccess"/> for the
/// circuit's user and subscribes to the in-process <see cref="ProgressFeed"/>. Each watch delivers its events one at a
/// time, in order, starting with the job's latest state. Everything is unsubscribed when the circuit ends.
/// </summary>
/// <remarks>
/// Pages deliberately do not open a SignalR client connection back to <c>/hubs/progress</c>: a circuit has no request
/// cookie to forward once it is running, the web app would need the client package and to know its own public URL,
/// and every event would be serialized twice. The hub and this feed are both fed by the same
/// <see cref="HubJobEventSink"/> pump, so scripts and pages see the same events in the same order.
/// </remarks>
public sealed class ProgressSubscription(ProgressFeed feed, IJobAccess access, AuthenticationStateProvider authentication,
    ILogger<ProgressSubscription> logger) : IAsyncDisposable
{
    private readonly List<Watch> _watches = new();
    private bool _disposed;

    /// <summary>
    /// Starts delivering <paramref name="jobId"/>'s events to <paramref name="onEvent"/>; null when the signed-in user may not
    /// watch it (or the job is unknown). Dispose the result to stop.
    /// </summary>
    public async Task<IAsyncDisposable?> WatchAsync(Guid jobId, Func<JobEvent, Task> onEvent, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        if (await access.OwnerIfWatchableAsync(jobId, user, cancellationToken) == null) return null;

        var channel = Channel.CreateUnbounded<JobEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var watch = new Watch(this, channel, feed.Subscribe(jobId, channel.Writer));
        _ = PumpAsync(jobId, channel.Reader, onEvent, watch.Stopped);
        lock (_watches) _watches.Add(watch);
        return watch;
    }

    /// <summary>As <see cref="WatchAsync(Guid, Func{JobEvent, Task}, CancellationToken)"/>, calling the receiver's method for each event kind.</summary>
    public Task<IAsyncDisposable?> WatchAsync(Guid jobId, IProgressClient receiver, CancellationToken cancellationToken = default) =>
        WatchAsync(jobId, receiver.DeliverAsync, cancellationToken);

    private async Task PumpAsync(Guid jobId, ChannelReader<JobEvent> reader, Func<JobEvent, Task> onEvent, CancellationToken stopped)
    {
        await Task.Yield(); // return the watch to the caller before the first (replayed) event is handled
        try
        {
            await foreach (var e in reader.ReadAllAsync(stopped))
            {
                try { await onEvent(e); }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "A progress subscriber of job {Job} failed on {Event}", jobId, e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stopped.IsCancellationRequested) { }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        Watch[] watches;
        lock (_watches) { watches = _watches.ToArray(); _watches.Clear(); }
        foreach (var watch in watches) await watch.DisposeAsync();
    }

    // Disposing does not wait for the pump: a subscriber may dispose its watch from inside its own event handler.
    private sealed class Watch(ProgressSubscription owner, Channel<JobEvent> channel, IDisposable subscription) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();

        public CancellationToken Stopped => _stop.Token;

        public ValueTask DisposeAsync()
        {
            subscription.Dispose();
            channel.Writer.TryComplete();
            _stop.Cancel(); // events still queued are dropped, not delivered to a page that has gone
            lock (owner._watches) owner._watches.Remove(this);
            return ValueTask.CompletedTask;
        }
    }
}

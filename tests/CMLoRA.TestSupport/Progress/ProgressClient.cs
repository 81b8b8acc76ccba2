using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;

namespace CMLoRA.TestSupport.Progress;

/// <summary>
/// A typed client of the studio's progress hub (<c>/hubs/progress</c>) for tests and scripts: connects with a session
/// cookie or a personal API token, watches jobs, and keeps every event it receives in arrival order.
/// </summary>
/// <example>
/// <code>
/// await using var progress = ProgressClient.WithToken(new Uri("http://studio:5000"), token);
/// await progress.StartAsync();
/// await progress.WatchAsync(jobId);           // not needed for your own jobs
/// var events = await progress.WaitForEndAsync(jobId, TimeSpan.FromMinutes(5));
/// </code>
/// </example>
public sealed class ProgressClient : IAsyncDisposable
{
    public const string HubPath = "/hubs/progress";

    private readonly ConcurrentQueue<JobEvent> _received = new();
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<JobEvent>> _ended = new();

    public HubConnection Connection { get; }

    /// <summary>Raised on SignalR's receive loop for every event, after it is recorded.</summary>
    public event Action<JobEvent>? EventReceived;

    private ProgressClient(HubConnection connection)
    {
        Connection = connection;
        On<JobQueued>(nameof(JobQueued));
        On<JobStarted>(nameof(JobStarted));
        On<JobModelLoading>(nameof(JobModelLoading));
        On<JobStep>(nameof(JobStep));
        On<JobFinished>(nameof(JobFinished));
        On<JobFailed>(nameof(JobFailed));
        On<JobCancelled>(nameof(JobCancelled));
    }

    /// <summary>A client that authenticates with the studio's sign-in cookie held in <paramref name="cookies"/>.</summary>
    public static ProgressClient WithCookies(Uri baseAddress, CookieContainer cookies) =>
        new(Build(baseAddress, options => options.Cookies = cookies));

    /// <summary>A client that authenticates with a personal API token (Authorization: Bearer).</summary>
    public static ProgressClient WithToken(Uri baseAddress, string token) =>
        new(Build(baseAddress, options => options.AccessTokenProvider = () => Task.FromResult<string?>(token)));

    /// <summary>A started client signed in as <paramref name="session"/>'s user.</summary>
    public static async Task<ProgressClient> ConnectAsync(StudioSession session, CancellationToken cancellationToken = default)
    {
        var client = WithCookies(session.Http.BaseAddress!, session.Cookies);
        try { await client.StartAsync(cancellationToken); }
        catch { await client.DisposeAsync(); throw; }
        return client;
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => Connection.StartAsync(cancellationToken);

    /// <summary>Opts in to <paramref name="jobId"/>'s events; the studio refuses with a HubException when the caller may not watch it.</summary>
    public Task<bool> WatchAsync(Guid jobId, CancellationToken cancellationToken = default) =>
        Connection.InvokeAsync<bool>("Watch", jobId, cancellationToken);

    public Task UnwatchAsync(Guid jobId, CancellationToken cancellationToken = default) =>
        Connection.InvokeAsync("Unwatch", jobId, cancellationToken);

    /// <summary>Every event received so far, in arrival order.</summary>
    public IReadOnlyList<JobEvent> Received => _received.ToArray();

    public IReadOnlyList<JobEvent> EventsOf(Guid jobId) => _received.Where(e => e.JobId == jobId).ToArray();

    /// <summary>Waits for <paramref name="jobId"/>'s finished, failed or cancelled event; returns all of its events in arrival order.</summary>
    public async Task<IReadOnlyList<JobEvent>> WaitForEndAsync(Guid jobId, TimeSpan timeout)
    {
        var ended = _ended.GetOrAdd(jobId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        if (EventsOf(jobId).Any(e => e.IsTerminal)) ended.TrySetResult(EventsOf(jobId).Last(e => e.IsTerminal));
        await ended.Task.WaitAsync(timeout);
        return EventsOf(jobId);
    }

    private void On<T>(string method) where T : JobEvent =>
        Connection.On<T>(method, e =>
        {
            var stamped = ((JobEvent)e) with { ReceivedUtc = DateTimeOffset.UtcNow };
            _received.Enqueue(stamped);
            if (stamped.IsTerminal) _ended.GetOrAdd(stamped.JobId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(stamped);
            EventReceived?.Invoke(stamped);
        });

    private static HubConnection Build(Uri baseAddress, Action<Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions> configure) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, HubPath), configure)
            .Build();

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}

using System.Diagnostics;
using System.Text.Json;
using CMLoRA.Storage;
using CMLoRA.Storage.Generation;
using CMLoRA.Web.Configuration;
using CMLoRA.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.Generation;

/// <summary>
/// The single worker: owns the loaded model (through <see cref="GeneratorHost"/>, which switches models when a job names
/// another) and runs one job at a time in fair order.
/// Every phase is written to the database before and after it runs, so a crash loses nothing: on start-up a job left
/// Running is marked Interrupted and runs again once (images it already stored are kept and not made twice).
/// </summary>
public sealed class GenerationWorker(IDbContextFactory<StudioDbContext> dbFactory, GenerationQueue queue, GeneratorHost host,
    ModelCatalog models, IJobEventSink events, IStepGate gate, StudioPaths paths, ILogger<GenerationWorker> logger) : BackgroundService
{
    /// <summary>The worker looks for work at least this often even without a wake-up.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    /// <summary>Progress rows are written at most this often (events go out every step).</summary>
    public static readonly TimeSpan ProgressWriteInterval = TimeSpan.FromSeconds(1);

    public const string InterruptedTwiceMessage = "The studio stopped twice while this job ran; it was not started a third time.";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // let start-up finish; the first model load happens on the first job
        try
        {
            await RecoverInterruptedAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var next = await NextAsync(stoppingToken);
                    if (next is null)
                    {
                        await queue.WaitAsync(PollInterval, stoppingToken);
                        continue;
                    }
                    await JobRunner.RunAsync(next, this, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A failing database read must not stop the worker (or, through the host, the studio); try again shortly.
                    logger.LogError(e, "The generation worker could not read the queue");
                    await Task.Delay(PollInterval, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down; a job that was running stays Running and is recovered on the next start
        }
    }

    private async Task RecoverInterruptedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var left = await db.GenerationJobs.Where(j => j.Status == GenerationJobStatus.Running).ToListAsync(cancellationToken);
        foreach (var job in left)
        {
            job.RequeueCount++;
            if (job.RequeueCount > 1)
            {
                job.Status = GenerationJobStatus.Failed;
                job.Error = InterruptedTwiceMessage;
                job.FinishedUtc = DateTimeOffset.UtcNow;
            }
            else
            {
                job.Status = GenerationJobStatus.Interrupted;
                job.Error = "The studio stopped while this job ran; it was queued again.";
            }
            logger.LogWarning("Job {JobId} was interrupted by a restart; now {Status}", job.Id, job.Status);
        }
        await db.SaveChangesAsync(cancellationToken);
        foreach (var job in left.Where(j => j.Status == GenerationJobStatus.Failed))
            await PublishAsync(() => events.FailedAsync(new JobFailed(job.Id, job.OwnerId, InterruptedTwiceMessage)));
    }

    // Takes the first job in fair order, atomically: a cancel that won the race leaves it alone.
    private async Task<GenerationJobRecord?> NextAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var candidate in await QueueOrder.WaitingAsync(db, cancellationToken))
        {
            var started = DateTimeOffset.UtcNow;
            int taken = await db.GenerationJobs
                .Where(j => j.Id == candidate.Id && (j.Status == GenerationJobStatus.Queued || j.Status == GenerationJobStatus.Interrupted))
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, GenerationJobStatus.Running).SetProperty(j => j.StartedUtc, started), cancellationToken);
            if (taken == 1)
                return await db.GenerationJobs.AsNoTracking().FirstAsync(j => j.Id == candidate.Id, cancellationToken);
        }
        return null;
    }

    internal IDbContextFactory<StudioDbContext> Db => dbFactory;
    internal GenerationQueue Queue => queue;
    internal GeneratorHost Host => host;
    internal ModelCatalog Models => models;
    internal IJobEventSink Events => events;
    internal IStepGate Gate => gate;
    internal StudioPaths Paths => paths;
    internal ILogger Logger => logger;

    internal async Task PublishAsync(Func<Task> send)
    {
        try
        {
            await send();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "A job event could not be delivered");
        }
    }

    internal void Publish(Func<Task> send)
    {
        try
        {
            send().GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "A job event could not be delivered");
        }
    }

    internal static JsonSerializerOptions Json => GenerationService.Json;

    internal static Stopwatch Clock() => Stopwatch.StartNew();
}

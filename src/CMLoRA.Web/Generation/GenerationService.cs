using System.Security.Cryptography;
using System.Text.Json;
using CMLoRA.Storage;
using CMLoRA.Storage.Generation;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Jobs;
using CMLoRA.Web.Library;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.Generation;

/// <summary>
/// Generation for one circuit or request: validates and queues requests, lists the queue, cancels and (admins)
/// reorders. The single <see cref="GenerationWorker"/> runs what this queues.
/// </summary>
public sealed class GenerationService(IDbContextFactory<StudioDbContext> dbFactory, GenerationQueue queue, IJobEventSink events,
    ModelCatalog models, ILogger<GenerationService> logger)
{
    /// <summary>How requests are stored in <see cref="GenerationJobRecord.RequestJson"/>.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Checks a request without queueing it: every problem, or an empty list.</summary>
    public async Task<IReadOnlyList<string>> ValidateAsync(CurrentUser user, GenerationRequest request, CancellationToken cancellationToken = default) =>
        (await CheckAsync(user, request, cancellationToken)).Errors;

    private async Task<(List<string> Errors, StudioModel? Model)> CheckAsync(CurrentUser user, GenerationRequest request, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = (request.Loras ?? []).Select(l => l.LoraId).Distinct().ToList();
        var found = await db.Loras.AsNoTracking().Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, cancellationToken);
        var (model, modelError) = models.Find(request.Model);
        var errors = RequestValidator.Validate(request, user, found, model).ToList();
        if (modelError is not null) errors.Add(modelError);
        return (errors, model);
    }

    /// <summary>Validates and queues; the job's position is announced to the event sink.</summary>
    public async Task<ServiceResult<JobDto>> SubmitAsync(CurrentUser user, GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var (errors, model) = await CheckAsync(user, request, cancellationToken);
        if (errors.Count > 0) return ServiceResult<JobDto>.Invalid(string.Join(" ", errors));

        // The seed, the model and every option are fixed now, so a restart, a later engine with other defaults or
        // "re-run exactly" makes the same image. Without LoRAs the base model runs alone: method none and its options.
        var loras = request.Loras ?? [];
        var method = RequestValidator.ParseMethod(request.Method)!.Value;
        var runs = loras.Count == 0 ? Engine.Composition.CompositionMethod.None : method;
        var stored = request with
        {
            Prompt = request.Prompt ?? "",
            NegativePrompt = request.NegativePrompt ?? "",
            Loras = loras,
            Method = runs.ToString(),
            Options = CompositionSettingsMapper.FromEngine(CompositionSettingsMapper.ToEngine(runs, request.Options)),
            Model = model!.Name,
            Seed = request.Seed is null or -1 ? RandomNumberGenerator.GetInt32(int.MaxValue) : request.Seed,
        };
        var job = new GenerationJobRecord
        {
            OwnerId = user.Id,
            Status = GenerationJobStatus.Queued,
            RequestJson = JsonSerializer.Serialize(stored, Json),
            ModelName = model.Name,
            Method = runs.ToString(),
            Steps = stored.Steps,
            ImageCount = stored.BatchCount,
            Visibility = stored.Visibility,
            CreatedUtc = DateTimeOffset.UtcNow,
        };
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.GenerationJobs.Add(job);
            await db.SaveChangesAsync(cancellationToken);
        }
        var dto = await GetJobAsync(user, job.Id, cancellationToken);
        // Queued goes out before the worker is woken: woken first, it could start the job and send "started" ahead of
        // "queued" (seen in CI as started, queued, step 1, …).
        await Publish(() => events.QueuedAsync(new JobQueued(job.Id, job.OwnerId, dto?.Position ?? 1)));
        queue.Wake();
        return ServiceResult<JobDto>.Ok(dto!);
    }

    /// <summary>The running job (position 0) and every waiting job in run order.</summary>
    public async Task<IReadOnlyList<QueueEntryDto>> QueueAsync(CurrentUser user, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var waiting = await QueueOrder.WaitingAsync(db, cancellationToken);
        var running = await db.GenerationJobs.AsNoTracking().Where(j => j.Status == GenerationJobStatus.Running).ToListAsync(cancellationToken);
        var names = await OwnerNamesAsync(db, waiting.Concat(running).Select(j => j.OwnerId), cancellationToken);

        var lines = new List<QueueEntryDto>();
        double ahead = 0;
        foreach (var job in running)
        {
            var live = queue.Running is { } r && r.JobId == job.Id ? r : null;
            int step = live?.Step ?? job.Step, total = job.Steps * job.ImageCount;
            double? eta = live?.EtaSeconds;
            ahead += total - step;
            lines.Add(Line(job, 0, step, eta, live?.Phase));
        }
        int position = 0;
        foreach (var job in waiting)
        {
            ahead += job.Steps * job.ImageCount - job.Step;
            double? eta = queue.StepsPerSecond is { } sps ? ahead / sps : null;
            lines.Add(Line(job, ++position, job.Step, eta));
        }
        return lines;

        QueueEntryDto Line(GenerationJobRecord j, int pos, int step, double? eta, string? phase = null)
        {
            int total = j.Steps * j.ImageCount;
            return new QueueEntryDto(j.Id, pos, j.OwnerId, names.GetValueOrDefault(j.OwnerId, ""), j.Status, j.Method, j.Steps, j.ImageCount,
                step, total, total == 0 ? 0 : (double)step / total, eta, j.CreatedUtc, j.AdminPriority, j.OwnerId == user.Id, j.ModelName, phase);
        }
    }

    /// <summary>One job, or null when it does not exist or the user may not see it (private jobs of others).</summary>
    public async Task<JobDto?> GetJobAsync(CurrentUser user, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.GenerationJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null || !CanView(user, job)) return null;
        return await ToDtoAsync(db, job, cancellationToken);
    }

    /// <summary>The user's own most recent jobs, newest first.</summary>
    public async Task<IReadOnlyList<JobDto>> RecentJobsAsync(CurrentUser user, int take = 50, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jobs = await db.GenerationJobs.AsNoTracking().Where(j => j.OwnerId == user.Id)
            .OrderByDescending(j => j.CreatedUtc).Take(Math.Clamp(take, 1, 500)).ToListAsync(cancellationToken);
        var result = new List<JobDto>();
        foreach (var job in jobs) result.Add(await ToDtoAsync(db, job, cancellationToken));
        return result;
    }

    /// <summary>Cancels a waiting or running job: the owner their own, admins any.</summary>
    public async Task<ServiceResult<JobDto>> CancelAsync(CurrentUser user, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.GenerationJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null || !CanView(user, job)) return ServiceResult<JobDto>.NotFound();
        if (job.OwnerId != user.Id && !user.IsAdmin) return ServiceResult<JobDto>.Forbidden("only the job's owner or an admin may cancel it");

        // A waiting job is cancelled in the database unless the worker took it this very moment.
        int changed = await db.GenerationJobs
            .Where(j => j.Id == id && (j.Status == GenerationJobStatus.Queued || j.Status == GenerationJobStatus.Interrupted))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, GenerationJobStatus.Cancelled)
                .SetProperty(j => j.FinishedUtc, DateTimeOffset.UtcNow)
                .SetProperty(j => j.CancelledById, user.Id), cancellationToken);
        if (changed == 1)
        {
            queue.Wake();
            await Publish(() => events.CancelledAsync(new JobCancelled(id, job.OwnerId)));
        }
        else if (!queue.TryCancelRunning(id))
        {
            var now = await db.GenerationJobs.AsNoTracking().Where(j => j.Id == id).Select(j => j.Status).FirstAsync(cancellationToken);
            if (now != GenerationJobStatus.Running)
                return ServiceResult<JobDto>.Invalid($"The job is already {now.ToString().ToLowerInvariant()}; only waiting or running jobs can be cancelled.");
            // Running but not yet registered with the worker's in-memory state: mark it; the worker checks before each image.
            await db.GenerationJobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelledById, user.Id), cancellationToken);
        }
        else
        {
            await db.GenerationJobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelledById, user.Id), cancellationToken);
        }
        return ServiceResult<JobDto>.Ok((await GetJobAsync(user, id, cancellationToken))!);
    }

    /// <summary>Admins only: the listed waiting jobs run first, in the given order; earlier priorities not listed are cleared.</summary>
    public async Task<ServiceResult<IReadOnlyList<QueueEntryDto>>> ReorderAsync(CurrentUser user, IReadOnlyList<Guid> jobIds, CancellationToken cancellationToken = default)
    {
        if (!user.IsAdmin) return ServiceResult<IReadOnlyList<QueueEntryDto>>.Forbidden("only admins may reorder the queue");
        if (jobIds.Distinct().Count() != jobIds.Count) return ServiceResult<IReadOnlyList<QueueEntryDto>>.Invalid("A job is listed twice.");
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var waiting = await db.GenerationJobs
                .Where(j => j.Status == GenerationJobStatus.Queued || j.Status == GenerationJobStatus.Interrupted)
                .ToDictionaryAsync(j => j.Id, cancellationToken);
            var missing = jobIds.Where(id => !waiting.ContainsKey(id)).ToList();
            if (missing.Count > 0)
                return ServiceResult<IReadOnlyList<QueueEntryDto>>.Invalid($"Job {missing[0]} is not waiting in the queue.");
            foreach (var job in waiting.Values) job.AdminPriority = null;
            for (int i = 0; i < jobIds.Count; i++) waiting[jobIds[i]].AdminPriority = i + 1;
            await db.SaveChangesAsync(cancellationToken);
        }
        queue.Wake();
        var lines = await QueueAsync(user, cancellationToken);
        foreach (var line in lines.Where(l => l.Position > 0))
            await Publish(() => events.QueuedAsync(new JobQueued(line.Id, line.OwnerId, line.Position)));
        return ServiceResult<IReadOnlyList<QueueEntryDto>>.Ok(lines);
    }

    public static bool CanView(CurrentUser user, GenerationJobRecord job) =>
        user.IsAdmin || job.OwnerId == user.Id || job.Visibility == Visibility.Team;

    private async Task<JobDto> ToDtoAsync(StudioDbContext db, GenerationJobRecord job, CancellationToken cancellationToken)
    {
        var names = await OwnerNamesAsync(db, [job.OwnerId], cancellationToken);
        var images = await db.GeneratedImages.AsNoTracking().Where(i => i.JobId == job.Id).OrderBy(i => i.BatchIndex)
            .Select(i => i.Id).ToListAsync(cancellationToken);
        int? position = null;
        double? eta = null;
        string? phase = null;
        int step = job.Step;
        if (QueueOrder.IsWaiting(job.Status))
        {
            var waiting = await QueueOrder.WaitingAsync(db, cancellationToken);
            int index = waiting.ToList().FindIndex(j => j.Id == job.Id);
            position = index < 0 ? null : index + 1;
        }
        else if (job.Status == GenerationJobStatus.Running && queue.Running is { } r && r.JobId == job.Id)
        {
            position = 0;
            step = r.Step;
            eta = r.EtaSeconds;
            phase = r.Phase;
        }
        var request = JsonSerializer.Deserialize<GenerationRequest>(job.RequestJson, Json);
        return new JobDto(job.Id, job.OwnerId, names.GetValueOrDefault(job.OwnerId, ""), job.Status, job.Method, job.Steps, job.ImageCount,
            step, job.Steps * job.ImageCount, position, eta, job.CreatedUtc, job.StartedUtc, job.FinishedUtc, job.Error, job.RequeueCount,
            job.AdminPriority, job.Visibility, images, request, job.ModelName, phase);
    }

    internal static async Task<Dictionary<string, string>> OwnerNamesAsync(StudioDbContext db, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var distinct = ids.Distinct().ToList();
        return await db.Users.AsNoTracking().Where(u => distinct.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => string.IsNullOrWhiteSpace(u.DisplayName) ? u.Email ?? u.Id : u.DisplayName, cancellationToken);
    }

    private async Task Publish(Func<Task> send)
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
}

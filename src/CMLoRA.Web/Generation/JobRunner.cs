using System.Text.Json;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Recipes;
using CMLoRA.Storage.Generation;
using CMLoRA.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using EngineCategory = CMLoRA.Engine.Composition.LoraCategory;

namespace CMLoRA.Web.Generation;

/// <summary>Runs one job the worker took: resolves its LoRAs, makes each image of the batch, stores it, reports progress.</summary>
internal static class JobRunner
{
    /// <summary>A preview goes with about every tenth step (and the last).</summary>
    public const int PreviewsPerImage = 10;

    public static async Task RunAsync(GenerationJobRecord job, GenerationWorker worker, CancellationToken stoppingToken)
    {
        var request = JsonSerializer.Deserialize<GenerationRequest>(job.RequestJson, GenerationWorker.Json)!;
        int total = job.Steps * job.ImageCount;
        HashSet<int> done;
        await using (var db = await worker.Db.CreateDbContextAsync(stoppingToken))
            done = (await db.GeneratedImages.Where(i => i.JobId == job.Id).Select(i => i.BatchIndex).ToListAsync(stoppingToken)).ToHashSet();
        var running = worker.Queue.Start(job.Id, job.OwnerId, total, done.Count * job.Steps, stoppingToken);
        var token = running.Cancellation.Token;
        try
        {
            // A cancel that arrived between taking the job and registering it is honoured here.
            await using (var db = await worker.Db.CreateDbContextAsync(stoppingToken))
                if (await db.GenerationJobs.AnyAsync(j => j.Id == job.Id && j.CancelledById != null, stoppingToken))
                    running.Cancellation.Cancel();
            await worker.PublishAsync(() => worker.Events.StartedAsync(new JobStarted(job.Id, job.OwnerId, total, job.Method)));

            var (loras, hashes, libraryIds) = await ResolveLorasAsync(worker, request, stoppingToken);
            var (model, modelError) = worker.Models.Find(request.Model);
            if (model is null) throw new JobFailure(modelError!);
            if (!worker.Host.IsLoaded(model))
            {
                // Loading takes from a moment (the tiny model) to a minute (SD 1.5 on a slow disk); the job says so meanwhile,
                // to the queue (its phase) and to watchers (an event published before the load starts, so before any step).
                running.Phase = RunningJob.LoadingModel;
                running.Model = model.Name;
                worker.Logger.LogInformation("Job {JobId} needs model {Model}; loading it", job.Id, model.Name);
                await worker.PublishAsync(() => worker.Events.ModelLoadingAsync(new JobModelLoading(job.Id, job.OwnerId, model.Name)));
            }
            var generator = await Task.Run(() => worker.Host.Get(model), token);
            running.Phase = RunningJob.Generating;
            var identity = worker.Host.Identity!;
            var method = loras.Count == 0 ? CompositionMethod.None : RequestValidator.ParseMethod(request.Method)!.Value;
            // Stored requests carry every option; a request stored before options existed gets the defaults.
            var options = CompositionSettingsMapper.ToEngine(method, request.Options);
            int previewEvery = Math.Max(1, (int)Math.Ceiling(job.Steps / (double)PreviewsPerImage));
            var lastWrite = DateTime.UtcNow;

            for (int index = 0; index < job.ImageCount; index++)
            {
                if (done.Contains(index)) continue;
                token.ThrowIfCancellationRequested();
                long seed = (request.Seed ?? 0) + index;
                var engineJob = new GenerationJob(request.Prompt, request.NegativePrompt, loras, method, options,
                    new TextToImageRequest(request.Width, request.Height, request.Steps, request.Cfg, seed, request.Sampler, request.Karras), request.ClipSkip);
                int before = done.Count * job.Steps;
                var output = await Task.Run(() => generator.Generate(engineJob, progress =>
                {
                    int step = before + progress.Step;
                    running.Step = step;
                    running.StepsPerSecond = progress.StepsPerSecond;
                    worker.Queue.ReportSpeed(progress.StepsPerSecond);
                    byte[]? preview = null;
                    if (progress.Step % previewEvery == 0 || progress.Step == progress.Total)
                    {
                        var image = progress.RenderPreview();
                        preview = PngEncoding.EncodeRgb(image.Rgb, image.Width, image.Height);
                    }
                    double eta = running.EtaSeconds ?? 0;
                    worker.Publish(() => worker.Events.StepAsync(new JobStep(job.Id, job.OwnerId, step, total, progress.StepsPerSecond, eta, preview)));
                    if (DateTime.UtcNow - lastWrite >= GenerationWorker.ProgressWriteInterval)
                    {
                        lastWrite = DateTime.UtcNow;
                        using var db = worker.Db.CreateDbContext();
                        db.GenerationJobs.Where(j => j.Id == job.Id).ExecuteUpdate(s => s.SetProperty(j => j.Step, step));
                    }
                    worker.Gate.AfterStep(job.Id, step, token);
                }, token), token);
                var recipe = GenerationRecipe.From(output, identity, worker.Host.Settings, l => hashes[l.ResolvedId]);
                await StoreImageAsync(worker, job, request, output, recipe, libraryIds, index, stoppingToken);
                done.Add(index);
            }

            await using (var db = await worker.Db.CreateDbContextAsync(stoppingToken))
                await db.GenerationJobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, GenerationJobStatus.Finished).SetProperty(j => j.FinishedUtc, DateTimeOffset.UtcNow)
                    .SetProperty(j => j.Step, total).SetProperty(j => j.Error, (string?)null), stoppingToken);
            var ids = await ImageIdsAsync(worker, job.Id, stoppingToken);
            worker.Logger.LogInformation("Job {JobId} finished: {Count} image(s)", job.Id, ids.Count);
            await worker.PublishAsync(() => worker.Events.FinishedAsync(new JobFinished(job.Id, job.OwnerId, ids)));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            await EndAsync(worker, job.Id, GenerationJobStatus.Cancelled, null, running.Step, stoppingToken);
            worker.Logger.LogInformation("Job {JobId} cancelled at step {Step}", job.Id, running.Step);
            await worker.PublishAsync(() => worker.Events.CancelledAsync(new JobCancelled(job.Id, job.OwnerId)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            string reason = e is InvalidOperationException or ArgumentException or FileNotFoundException or JobFailure
                ? e.Message
                : $"Generation failed: {e.Message}";
            worker.Logger.LogError(e, "Job {JobId} failed", job.Id);
            await EndAsync(worker, job.Id, GenerationJobStatus.Failed, reason, running.Step, stoppingToken);
            await worker.PublishAsync(() => worker.Events.FailedAsync(new JobFailed(job.Id, job.OwnerId, reason)));
        }
        finally
        {
            worker.Queue.Finish(running);
        }
    }

    private static async Task<(List<LoraRequest> Loras, Dictionary<string, LoraFileHashes> Hashes, List<Guid> LibraryIds)> ResolveLorasAsync(
        GenerationWorker worker, GenerationRequest request, CancellationToken cancellationToken)
    {
        await using var db = await worker.Db.CreateDbContextAsync(cancellationToken);
        var ids = request.Loras.Select(l => l.LoraId).ToList();
        var rows = await db.Loras.AsNoTracking().Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, cancellationToken);
        var engine = new List<LoraRequest>();
        var hashes = new Dictionary<string, LoraFileHashes>(StringComparer.Ordinal);
        var libraryIds = new List<Guid>();
        foreach (var use in request.Loras)
        {
            if (!rows.TryGetValue(use.LoraId, out var lora))
                throw new JobFailure($"LoRA {use.LoraId} was deleted after the job was queued.");
            string path = worker.Paths.LoraFile(lora.Sha256);
            if (!File.Exists(path)) throw new JobFailure($"The file of LoRA '{lora.Name}' is missing from the library.");
            // Ids name the LoRA in previews and the recipe; two LoRAs with one name get their library id appended.
            string id = hashes.ContainsKey(lora.Name) ? $"{lora.Name}-{lora.Id.ToString()[..8]}" : lora.Name;
            engine.Add(new LoraRequest(path, (float)use.Weight, Enum.Parse<EngineCategory>(lora.Category.ToString()), lora.FrequencyScore, id));
            // The library hashed the file when it was added; the recipe takes those hashes instead of reading the file again.
            hashes[id] = new LoraFileHashes(lora.FileSize, lora.Sha256, "", lora.AutoV2, string.IsNullOrEmpty(lora.AutoV3) ? null : lora.AutoV3);
            libraryIds.Add(lora.Id);
        }
        return (engine, hashes, libraryIds);
    }

    private static async Task StoreImageAsync(GenerationWorker worker, GenerationJobRecord job, GenerationRequest request, GenerationOutput output,
        GenerationRecipe recipe, IReadOnlyList<Guid> libraryIds, int index, CancellationToken cancellationToken)
    {
        // The PNG carries the engine's recipe (RecipeJson) and A1111 infotext; the row stores the same recipe text.
        string recipeJson = RecipeJson.Serialize(recipe);
        string infotext = Infotext.Format(recipe);
        byte[] png = ImageFinalizer.FinalizePng(output.Png, infotext, recipeJson);

        var image = new GeneratedImage
        {
            JobId = job.Id, OwnerId = job.OwnerId, BatchIndex = index, Width = request.Width, Height = request.Height, Seed = recipe.Seed,
            RecipeJson = recipeJson, Infotext = infotext, Visibility = job.Visibility, CreatedUtc = DateTimeOffset.UtcNow,
            TextEncodeSeconds = output.Stats.TextEncodeSeconds, DenoiseSeconds = output.Stats.DenoiseSeconds, DecodeSeconds = output.Stats.DecodeSeconds,
            ModelHash = recipe.Model.AutoV2 ?? "", ModelName = recipe.Model.Name, Method = output.Method.ToString(),
            LoraIds = StoredRecipe.FormatLoraIds(output.Method == CompositionMethod.None ? [] : libraryIds),
        };
        image.FileName = image.Id + ".png";
        // The file is complete before it gets its name and before the row points at it.
        string temp = Path.Combine(worker.Paths.Temp, image.FileName);
        await File.WriteAllBytesAsync(temp, png, cancellationToken);
        File.Move(temp, worker.Paths.ImageFile(image.FileName), overwrite: true);

        await using var db = await worker.Db.CreateDbContextAsync(cancellationToken);
        db.GeneratedImages.Add(image);
        await db.SaveChangesAsync(cancellationToken);
        await db.GenerationJobs.Where(j => j.Id == job.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Step, (index + 1) * job.Steps), cancellationToken);
    }

    private static async Task<IReadOnlyList<Guid>> ImageIdsAsync(GenerationWorker worker, Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await worker.Db.CreateDbContextAsync(cancellationToken);
        return await db.GeneratedImages.Where(i => i.JobId == jobId).OrderBy(i => i.BatchIndex).Select(i => i.Id).ToListAsync(cancellationToken);
    }

    private static async Task EndAsync(GenerationWorker worker, Guid jobId, GenerationJobStatus status, string? error, int step, CancellationToken cancellationToken)
    {
        await using var db = await worker.Db.CreateDbContextAsync(cancellationToken);
        await db.GenerationJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, status).SetProperty(j => j.FinishedUtc, DateTimeOffset.UtcNow)
            .SetProperty(j => j.Error, error).SetProperty(j => j.Step, step), cancellationToken);
    }
}

/// <summary>A job that cannot run, with a message for its owner.</summary>
internal sealed class JobFailure(string message) : Exception(message);

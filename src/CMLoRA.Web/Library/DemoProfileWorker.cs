using CMLoRA.Engine.Devices;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Profiling;
using CMLoRA.Storage;
using CMLoRA.Web.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CMLoRA.Web.Library;

/// <summary>
/// Profiles the demo LoRAs that arrived without a profile sidecar, in the background with the default model, one at
/// a time, so start-up never waits for it. Without the default model it logs once and waits for the next request
/// (a new registration). Profiles are kept like a sidecar's (<see cref="LibraryProfiles"/>).
/// </summary>
public sealed class DemoProfileWorker(
    IDbContextFactory<StudioDbContext> dbFactory, DemoLibrarySeeder seeder, LibraryProfiles profiles, StudioPaths paths,
    ComputeDevice device, IOptions<StudioOptions> options, ILogger<DemoProfileWorker> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Asks for a pass over the unprofiled demo LoRAs (after a registration).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ProfileDemoLoras)
        {
            logger.LogInformation("Background profiling of demo LoRAs is turned off (Studio:ProfileDemoLoras)");
            return;
        }
        seeder.Registered += Wake;
        // Let the studio finish starting first; the first pass then looks at what earlier starts left unprofiled.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Run(() => ProfilePendingAsync(stoppingToken), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Profiling demo LoRAs failed");
            }
            await _wake.WaitAsync(stoppingToken);
        }
    }

    private async Task ProfilePendingAsync(CancellationToken cancellationToken)
    {
        var pending = await PendingAsync(cancellationToken);
        if (pending.Count == 0) return;
        string model = options.Value.ResolveDefaultModel(paths.ContentRoot);
        if (!File.Exists(model) && !File.Exists(Path.Combine(model, "model_index.json")))
        {
            logger.LogInformation("{Count} demo LoRA(s) have no frequency profile yet; they are profiled once the default model exists ({Model})", pending.Count, model);
            return;
        }

        logger.LogInformation("Profiling {Count} demo LoRA(s) in the background with {Model}", pending.Count, model);
        using var generator = StableDiffusionGenerator.Load(model, new GeneratorSettings(device));
        var profiler = new LoraProfiler(new GeneratorProfileSource(generator));
        foreach (var lora in pending)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string file = paths.LoraFile(lora.Sha256);
            if (!File.Exists(file)) continue;
            var triggers = WordLists.Split(lora.TriggerWords).ToList();
            try
            {
                // The profile records the file name it measured; the library knows the LoRA by its own name.
                var profile = profiler.Profile(new LoraProfileTarget(file, triggers, lora.Name), cancellationToken: cancellationToken)
                    with { LoraFileName = lora.FileName };
                await profiles.SaveAsync(lora.Id, profile, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One LoRA the model cannot run (another base model, broken factors) must not stop the others.
                logger.LogWarning("Demo LoRA {Name} could not be profiled with {Model}: {Reason}", lora.Name, model, e.Message);
            }
        }
    }

    private sealed record Pending(Guid Id, string Name, string FileName, string Sha256, string TriggerWords);

    private async Task<List<Pending>> PendingAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var keys = await db.Settings.Where(s => s.Key.StartsWith(DemoLibrarySeeder.SettingPrefix)).Select(s => s.Key).ToListAsync(cancellationToken);
        var hashes = keys.Select(k => k[DemoLibrarySeeder.SettingPrefix.Length..]).ToList();
        return await db.Loras.AsNoTracking()
            .Where(l => hashes.Contains(l.Sha256) && l.FrequencyScore == null)
            .OrderBy(l => l.Name)
            .Select(l => new Pending(l.Id, l.Name, l.FileName, l.Sha256, l.TriggerWords))
            .ToListAsync(cancellationToken);
    }
}

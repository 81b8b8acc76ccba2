#if DEBUG
using System.Collections.Concurrent;
using System.Security.Claims;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Generation;
using CMLoRA.Web.Jobs;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CMLoRA.Web.Progress.TestHooks;

/// <summary>
/// Test-only endpoints (Debug builds, and only with Studio__TestHooks=true) that register stand-in jobs and publish
/// their events through the real <see cref="IJobEventSink"/>, so the hub's authorization and delivery can be tested on
/// a real studio process without the generation worker. Release builds contain none of this.
/// </summary>
public static class ProgressTestHooks
{
    public const string Setting = "Studio:TestHooks";

    /// <summary>A stand-in job: its owner and whether the team may watch it.</summary>
    public sealed record HookJob(string OwnerId, bool TeamVisible);

    public sealed record CreateJob(bool TeamVisible = false);

    /// <summary>What the stand-in worker publishes: Queued, Started, <paramref name="Steps"/> steps (a PNG preview every
    /// <paramref name="PreviewEvery"/> steps), then Finished, Failed or Cancelled per <paramref name="Outcome"/>.
    /// A run can be published in parts (<paramref name="FromStep"/>..<paramref name="UntilStep"/>): Queued and Started go
    /// with the part that starts at step 1, the outcome with the part that ends at the last step, so a test can look at
    /// the page between parts however slow the machine is.</summary>
    public sealed record RunJob(int Steps = 30, int IntervalMs = 20, int PreviewEvery = 5, string Outcome = "Finished",
        int FromStep = 1, int? UntilStep = null);

    /// <summary>Hold the worker once a job reports step <paramref name="AtStep"/>.</summary>
    public sealed record HoldRequest(int AtStep);

    public static bool Enabled(IConfiguration configuration) => configuration.GetValue<bool>(Setting);

    /// <summary>Wraps the registered <see cref="IJobAccess"/> so stand-in jobs are known too; call after every other registration.</summary>
    public static void AddProgressTestHooks(this WebApplicationBuilder builder)
    {
        if (!Enabled(builder.Configuration)) return;
        var services = builder.Services;
        services.AddSingleton<ConcurrentDictionary<Guid, HookJob>>();
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IJobAccess));
        if (inner != null) services.Remove(inner);
        services.Add(new ServiceDescriptor(typeof(IJobAccess), sp =>
            new HookJobAccess(sp.GetRequiredService<ConcurrentDictionary<Guid, HookJob>>(), inner == null ? null : Resolve(sp, inner)),
            inner?.Lifetime ?? ServiceLifetime.Singleton));

        // The worker's step gate becomes one that tests can close (see /test-hooks/worker).
        foreach (var gate in services.Where(d => d.ServiceType == typeof(IStepGate)).ToList()) services.Remove(gate);
        services.AddSingleton<HoldingStepGate>();
        services.AddSingleton<IStepGate>(sp => sp.GetRequiredService<HoldingStepGate>());
    }

    public static void MapProgressTestHooks(this WebApplication app)
    {
        if (!Enabled(app.Configuration)) return;
        app.Logger.LogWarning("Test hooks are enabled: /test-hooks/jobs publishes stand-in job events");
        var hooks = app.MapGroup("/test-hooks/jobs").RequireAuthorization();

        hooks.MapPost("/", (CreateJob input, HttpContext http, ConcurrentDictionary<Guid, HookJob> jobs) =>
        {
            var user = CurrentUser.Require(http.User);
            var id = Guid.NewGuid();
            jobs[id] = new HookJob(user.Id, input.TeamVisible);
            return TypedResults.Ok(new { jobId = id, ownerId = user.Id });
        });

        var worker = app.MapGroup("/test-hooks/worker").RequireAuthorization();
        worker.MapGet("/", (HoldingStepGate gate) => TypedResults.Ok(gate.Current));
        worker.MapPost("/hold", IResult (HoldRequest input, HoldingStepGate gate) =>
        {
            if (input.AtStep < 1) return TypedResults.BadRequest("atStep must be 1 or more");
            gate.Hold(input.AtStep);
            return TypedResults.Ok(gate.Current);
        });
        worker.MapPost("/release", (HoldingStepGate gate) =>
        {
            gate.Release();
            return TypedResults.Ok(gate.Current);
        });

        hooks.MapPost("/{id:guid}/run", IResult (Guid id, RunJob input, HttpContext http, ConcurrentDictionary<Guid, HookJob> jobs,
            IJobEventSink sink, ILoggerFactory loggers) =>
        {
            var user = CurrentUser.Require(http.User);
            if (!jobs.TryGetValue(id, out var job) || job.OwnerId != user.Id) return TypedResults.NotFound();
            if (input.Steps is < 1 or > 10_000 || input.IntervalMs is < 0 or > 10_000) return TypedResults.BadRequest("steps 1..10000, intervalMs 0..10000");
            int until = input.UntilStep ?? input.Steps;
            if (input.FromStep < 1 || until < input.FromStep || until > input.Steps) return TypedResults.BadRequest("1 <= fromStep <= untilStep <= steps");
            var log = loggers.CreateLogger("CMLoRA.Web.Progress.TestHooks");
            _ = Task.Run(async () =>
            {
                try { await PublishAsync(sink, id, job.OwnerId, input); }
                catch (Exception ex) { log.LogError(ex, "Stand-in job {Job} failed to publish", id); }
            });
            return TypedResults.Accepted($"/test-hooks/jobs/{id}");
        });
    }

    private static async Task PublishAsync(IJobEventSink sink, Guid id, string owner, RunJob run)
    {
        if (run.FromStep == 1)
        {
            await sink.QueuedAsync(new JobQueued(id, owner, 1));
            await sink.StartedAsync(new JobStarted(id, owner, run.Steps, "CmLora"));
        }
        int until = run.UntilStep ?? run.Steps;
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (int step = run.FromStep; step <= until; step++)
        {
            if (run.IntervalMs > 0) await Task.Delay(run.IntervalMs);
            double rate = (step - run.FromStep + 1) / Math.Max(started.Elapsed.TotalSeconds, 1e-6);
            byte[]? preview = run.PreviewEvery > 0 && step % run.PreviewEvery == 0 ? Preview(step, run.Steps) : null;
            await sink.StepAsync(new JobStep(id, owner, step, run.Steps, rate, (run.Steps - step) / rate, preview));
        }
        if (until < run.Steps) return;
        switch (run.Outcome)
        {
            case "Failed": await sink.FailedAsync(new JobFailed(id, owner, "stand-in failure")); break;
            case "Cancelled": await sink.CancelledAsync(new JobCancelled(id, owner)); break;
            default: await sink.FinishedAsync(new JobFinished(id, owner, [Guid.NewGuid()])); break;
        }
    }

    /// <summary>A 16×16 PNG whose colour moves with the step, so successive previews differ.</summary>
    private static byte[] Preview(int step, int total)
    {
        using var image = new Image<Rgb24>(16, 16, new Rgb24((byte)(255 * step / total), 64, (byte)(255 - 255 * step / total)));
        using var png = new MemoryStream();
        image.SaveAsPng(png);
        return png.ToArray();
    }

    private static IJobAccess Resolve(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IJobAccess)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    private sealed class HookJobAccess(ConcurrentDictionary<Guid, HookJob> jobs, IJobAccess? inner) : IJobAccess
    {
        public Task<string?> OwnerIfWatchableAsync(Guid jobId, ClaimsPrincipal user, CancellationToken cancellationToken = default)
        {
            if (!jobs.TryGetValue(jobId, out var job))
                return inner?.OwnerIfWatchableAsync(jobId, user, cancellationToken) ?? Task.FromResult<string?>(null);
            var me = CurrentUser.From(user);
            bool may = me != null && (me.Id == job.OwnerId || me.IsAdmin || job.TeamVisible);
            return Task.FromResult(may ? job.OwnerId : null);
        }
    }
}
#endif

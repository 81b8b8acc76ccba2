using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;

namespace CMLoRA.Engine.Profiling;

/// <summary>
/// Prepares a job for CMLoRA's frequency ordering before it is generated: fills each LoRA's
/// <see cref="LoraRequest.FrequencyScore"/> from its sidecar profile, or profiles it on first use
/// (<see cref="ProfileMissing"/>), and lets scores decide the groups. LoRAs left without a score fall back to their
/// category. The CLI and the studio call this; <see cref="StableDiffusionGenerator"/> itself never profiles.
/// </summary>
public sealed class LoraProfileResolver
{
    private readonly LoraProfiler? _profiler;

    /// <summary>A resolver; <paramref name="profiler"/> is needed only to profile missing LoRAs.</summary>
    public LoraProfileResolver(LoraProfiler? profiler = null) => _profiler = profiler;

    /// <summary>Read <c>NAME.profile.json</c> next to each LoRA (default true).</summary>
    public bool UseSidecars { get; init; } = true;

    /// <summary>
    /// Profile LoRAs that have neither a score nor a usable sidecar (needs a profiler; default false). Only CMLoRA jobs
    /// are profiled: no other method orders by frequency.
    /// </summary>
    public bool ProfileMissing { get; init; }

    /// <summary>Write the sidecar of a LoRA profiled on first use (default true; a failed write is only a warning).</summary>
    public bool WriteSidecars { get; init; } = true;

    /// <summary>
    /// The group threshold set on a CMLoRA job whose ordering has none, once any LoRA has a score (default 0, the
    /// profiler's: LoRAs that lower the base's high-frequency share are low-frequency).
    /// </summary>
    public double LowFrequencyThreshold { get; init; } = LoraProfilerOptions.DefaultLowFrequencyThreshold;

    /// <summary>Fills the job's scores. Only CMLoRA orders by frequency; other methods get their scores filled but ignore them.</summary>
    /// <exception cref="InvalidOperationException"><see cref="ProfileMissing"/> is set but no profiler was given.</exception>
    /// <exception cref="OperationCanceledException">Cancelled while profiling.</exception>
    public ProfiledJob Resolve(GenerationJob job, Action<LoraProfilerProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (ProfileMissing && _profiler is null)
            throw new InvalidOperationException("Profiling missing LoRAs needs a LoraProfiler.");

        // 1. Scores the caller gave, then sidecars
        var loras = job.Loras.ToArray();
        var statuses = new LoraProfileStatus[loras.Length];
        var missing = new List<int>();
        for (int i = 0; i < loras.Length; i++)
        {
            var lora = loras[i];
            if (lora.FrequencyScore is not null)
            {
                statuses[i] = new LoraProfileStatus(lora.ResolvedId, LoraProfileOrigin.Given, null);
                continue;
            }
            string? problem = null;
            if (UseSidecars && LoraProfileSidecar.TryRead(lora.Path, out problem) is { } profile)
            {
                loras[i] = lora with { FrequencyScore = profile.Score };
                statuses[i] = new LoraProfileStatus(lora.ResolvedId, LoraProfileOrigin.Sidecar, profile);
                continue;
            }
            statuses[i] = new LoraProfileStatus(lora.ResolvedId, LoraProfileOrigin.None, null, problem);
            missing.Add(i);
        }

        // 2. Profile the rest on first use
        bool ordersByFrequency = job.EffectiveMethod == CompositionMethod.CmLora;
        if (ProfileMissing && ordersByFrequency && missing.Count > 0)
        {
            var targets = missing.Select(i => new LoraProfileTarget(loras[i].Path, Id: loras[i].ResolvedId)).ToList();
            var made = _profiler!.ProfileAll(targets, progress, cancellationToken);
            for (int k = 0; k < missing.Count; k++)
            {
                int i = missing[k];
                string? warning = WriteSidecars ? TryWriteSidecar(loras[i].Path, made[k]) : null;
                loras[i] = loras[i] with { FrequencyScore = made[k].Score };
                statuses[i] = new LoraProfileStatus(loras[i].ResolvedId, LoraProfileOrigin.Profiled, made[k], warning);
            }
        }

        // 3. Let scores decide the groups, unless the caller chose a threshold
        var options = job.Options;
        if (ordersByFrequency && loras.Any(l => l.FrequencyScore is not null) && options is null or CmLoraOptions)
        {
            var cm = options as CmLoraOptions ?? new CmLoraOptions();
            if (cm.Ordering.LowFrequencyThreshold is null)
                options = cm with { Ordering = cm.Ordering with { LowFrequencyThreshold = LowFrequencyThreshold } };
        }
        return new ProfiledJob(job with { Loras = loras, Options = options }, statuses);
    }

    private static string? TryWriteSidecar(string loraPath, LoraProfile profile)
    {
        try
        {
            LoraProfileSidecar.Write(loraPath, profile);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"The profile of {Path.GetFileName(loraPath)} was not saved: {e.Message}";
        }
    }
}

// Spec 3.3 (offline profiling: H of a single-LoRA render) made relative to the base model, as the profiling issue asks.
using CMLoRA.Engine.Lora;

namespace CMLoRA.Engine.Profiling;

/// <summary>
/// Profiles LoRAs: for each fixed seed it renders the LoRA's trigger prompt with the base model and with the LoRA
/// alone at weight 1, measures the high-frequency statistic H of both (<see cref="FrequencyStatistic"/>, the
/// reference notebook's variant on the 8-bit grey image), and scores the LoRA by the mean paired difference ΔH.
/// Base images are shared between LoRAs whose prompts coincide.
/// </summary>
public sealed class LoraProfiler
{
    private readonly IProfileImageSource _source;

    /// <summary>A profiler rendering with <paramref name="source"/>.</summary>
    public LoraProfiler(IProfileImageSource source, LoraProfilerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= new LoraProfilerOptions();
        options.Validate();
        _source = source;
        Options = options;
    }

    /// <summary>The options every profile of this profiler uses.</summary>
    public LoraProfilerOptions Options { get; }

    /// <summary>The square size the images are rendered at.</summary>
    public int Size => Options.Size ?? _source.NativeSize;

    /// <summary>Profiles one LoRA.</summary>
    public LoraProfile Profile(LoraProfileTarget lora, Action<LoraProfilerProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ProfileAll([lora], progress, cancellationToken)[0];

    /// <summary>
    /// Profiles every LoRA, in order. Cancellation is checked before every image and, through the source, every step.
    /// </summary>
    /// <exception cref="FileNotFoundException">A LoRA file does not exist.</exception>
    /// <exception cref="ArgumentException">Duplicate ids, or an image the statistic refuses (e.g. a size too small for the cut-off).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public IReadOnlyList<LoraProfile> ProfileAll(IReadOnlyList<LoraProfileTarget> loras, Action<LoraProfilerProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loras);
        var duplicate = loras.GroupBy(l => l.ResolvedId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"LoRA '{duplicate.Key}' is listed twice.");
        foreach (var lora in loras)
            if (!File.Exists(lora.Path)) throw new FileNotFoundException($"LoRA file not found: {lora.Path}", lora.Path);
        int cutoff = FrequencyStatistic.CutoffRadius(Size, Size, Options.CutoffFraction), maxRadius = FrequencyStatistic.MaxRadius(Size, Size);
        if (cutoff > maxRadius)
            throw new ArgumentException($"The high-frequency band is empty at {Size}×{Size}: the cut-off radius {cutoff} exceeds the largest radius " +
                                        $"{maxRadius}. Profile at a larger size or lower the cut-off fraction.");

        // 1. Prompts, and how many images the run renders (base images are shared by equal prompts)
        var prompts = loras.Select(l => PromptFor(l, Options.PromptTemplate)).ToList();
        int images = loras.Count * Options.Seeds.Count + prompts.Distinct(StringComparer.Ordinal).Count() * Options.Seeds.Count;
        var baseProfiles = new Dictionary<(string Prompt, long Seed), RadialProfile>();
        int image = 0;

        var profiles = new List<LoraProfile>(loras.Count);
        for (int i = 0; i < loras.Count; i++)
        {
            var lora = loras[i];
            var loraSpectra = new List<RadialProfile>();
            var baseSpectra = new List<RadialProfile>();
            foreach (long seed in Options.Seeds)
            {
                // 2. The base image of this prompt and seed, then the LoRA's
                if (!baseProfiles.TryGetValue((prompts[i], seed), out var baseProfile))
                {
                    baseProfile = Measure(Request(prompts[i], seed, null), i, loras.Count, lora.ResolvedId, ++image, images, isBase: true, progress, cancellationToken);
                    baseProfiles[(prompts[i], seed)] = baseProfile;
                }
                baseSpectra.Add(baseProfile);
                loraSpectra.Add(Measure(Request(prompts[i], seed, lora.Path), i, loras.Count, lora.ResolvedId, ++image, images, isBase: false, progress, cancellationToken));
            }
            profiles.Add(Score(lora, prompts[i], loraSpectra, baseSpectra));
        }
        return profiles;
    }

    /// <summary>
    /// The LoRA's trigger words: the given ones, else the file's suggested trigger words, else its file name without
    /// extension (reads only the file's header).
    /// </summary>
    public static IReadOnlyList<string> TriggerWordsFor(LoraProfileTarget lora)
    {
        ArgumentNullException.ThrowIfNull(lora);
        var given = lora.TriggerWords?.Where(w => !string.IsNullOrWhiteSpace(w)).Select(w => w.Trim()).ToList();
        if (given is { Count: > 0 }) return given;
        var suggested = LoraMetadataReader.ReadFile(lora.Path).SuggestedTriggerWords;
        return suggested.Count > 0 ? suggested : [Path.GetFileNameWithoutExtension(lora.Path)];
    }

    /// <summary>The template with <c>{trigger}</c> replaced by the LoRA's trigger words joined by ", ".</summary>
    public static string PromptFor(LoraProfileTarget lora, string template) =>
        template.Replace(LoraProfilerOptions.TriggerPlaceholder, string.Join(", ", TriggerWordsFor(lora)), StringComparison.Ordinal);

    private ProfileRender Request(string prompt, long seed, string? loraPath) =>
        new(prompt, Options.NegativePrompt, seed, Size, Options.Steps, Options.GuidanceScale, Options.Sampler, loraPath);

    private RadialProfile Measure(ProfileRender request, int loraIndex, int loraCount, string loraId, int image, int images, bool isBase,
        Action<LoraProfilerProgress>? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var report = new LoraProfilerProgress(loraIndex, loraCount, loraId, image, images, isBase, request.Seed, 0, request.Steps);
        progress?.Invoke(report);
        var rendered = _source.Render(request, progress is null ? null : (step, steps) => progress(report with { Step = step, Steps = steps }),
            cancellationToken);
        // The reference measured saved PNGs: 8-bit RGB, grey = uint8(channel mean), log amplitude (spec 3.3).
        var options = new FrequencyOptions { CutoffFraction = Options.CutoffFraction, PixelScale = 1 };
        return FrequencyStatistic.Profile(rendered.ToGrey(), rendered.Height, rendered.Width, options);
    }

    private LoraProfile Score(LoraProfileTarget lora, string prompt, List<RadialProfile> loraSpectra, List<RadialProfile> baseSpectra)
    {
        // Paired by seed: the same noise and prompt with and without the LoRA, so content common to both cancels.
        var perSeed = loraSpectra.Zip(baseSpectra, (l, b) => l.HighFrequencyScore - b.HighFrequencyScore).ToList();
        double score = perSeed.Average();
        var file = new FileInfo(lora.Path);
        return new LoraProfile
        {
            LoraFileName = file.Name,
            LoraFileLength = file.Length,
            LoraSha256 = LoraHashes.Compute(lora.Path).Sha256,
            Model = _source.ModelName,
            Score = score,
            Group = score < Options.LowFrequencyThreshold ? FrequencyBand.Low : FrequencyBand.High,
            LowFrequencyThreshold = Options.LowFrequencyThreshold,
            LoraHighFrequency = loraSpectra.Average(p => p.HighFrequencyScore),
            BaseHighFrequency = baseSpectra.Average(p => p.HighFrequencyScore),
            PerSeedScores = perSeed,
            Seeds = Options.Seeds.ToArray(),
            Prompt = prompt,
            NegativePrompt = Options.NegativePrompt,
            Steps = Options.Steps,
            Size = Size,
            GuidanceScale = Options.GuidanceScale,
            Sampler = Options.Sampler,
            CutoffFraction = Options.CutoffFraction,
            Spectrum = Average(loraSpectra),
            BaseSpectrum = Average(baseSpectra),
            CreatedAt = DateTimeOffset.UtcNow,
        };
    }

    // Point-wise mean of per-image profiles. H is linear in P_rel, so the mean profile's H is the mean of the images'
    // H, and the charted curve agrees with the score (a pooled spectrum, as FrequencyStatistic does for a batch, would not).
    private static RadialProfile Average(List<RadialProfile> profiles)
    {
        var first = profiles[0];
        if (profiles.Any(p => p.Height != first.Height || p.Width != first.Width))
            throw new InvalidOperationException("The image source returned images of different sizes for one LoRA.");
        int n = first.Amplitude.Count;
        var amplitude = new double[n];
        var relative = new double[n];
        foreach (var p in profiles)
            for (int r = 0; r < n; r++)
            {
                amplitude[r] += p.Amplitude[r] / profiles.Count;
                relative[r] += p.Relative[r] / profiles.Count;
            }
        return new RadialProfile(amplitude, relative, first.CutoffRadius, profiles.Average(p => p.HighFrequencyScore), first.Height, first.Width);
    }
}

using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Devices;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Sampling;

namespace CMLoRA.Engine.Recipes;

/// <summary>
/// Everything needed to make an image again, pixel for pixel: the base model and LoRAs by content hash, weights and
/// orders, composition method with its options made explicit, prompts, sampler, size, seed and noise source, and where
/// it ran. Built from a <see cref="GenerationOutput"/> with <see cref="From"/>; <see cref="ToJob"/> turns it back into a
/// job. Serialised by <see cref="RecipeJson"/> (docs/recipes.md describes the schema).
/// </summary>
public sealed record GenerationRecipe
{
    /// <summary>The schema version this engine writes.</summary>
    public const int CurrentSchema = 1;

    /// <summary>Schema version of the JSON this recipe came from.</summary>
    public int Schema { get; init; } = CurrentSchema;

    /// <summary>Engine version that made the image (<see cref="EngineInfo.EngineVersion"/>).</summary>
    public string? EngineVersion { get; init; }

    /// <summary>The base model.</summary>
    public required ModelIdentity Model { get; init; }

    /// <summary>LoRAs in the user's order.</summary>
    public IReadOnlyList<RecipeLora> Loras { get; init; } = [];

    /// <summary>LoRA names in the order the schedule used (CMLoRA: its frequency order; other methods: the user's order).</summary>
    public IReadOnlyList<string> ScheduleOrder { get; init; } = [];

    /// <summary>The composition method that ran (None when there were no LoRAs).</summary>
    public CompositionMethod Method { get; init; }

    /// <summary>The method's options, with the defaults of the engine that ran made explicit; null only in imported partial recipes.</summary>
    public CompositionOptions? Options { get; init; }

    /// <summary>Prompt as given to the engine (A1111 emphasis syntax, no LoRA tags).</summary>
    public string Prompt { get; init; } = "";

    /// <summary>Negative prompt.</summary>
    public string NegativePrompt { get; init; } = "";

    /// <summary>Sampler short name (<see cref="SamplerFactory.Names"/>).</summary>
    public string Sampler { get; init; } = "dpmpp2m";

    /// <summary>Whether Karras sigmas were used (as run, whatever the model's scheduler file says).</summary>
    public bool Karras { get; init; }

    /// <summary>Timestep spacing of the scheduler as run (comes from the model's scheduler file); null when unknown.</summary>
    public TimestepSpacing? TimestepSpacing { get; init; }

    /// <summary>Denoising steps.</summary>
    public int Steps { get; init; } = 20;

    /// <summary>Classifier-free guidance scale.</summary>
    public double CfgScale { get; init; } = 7.5;

    /// <summary>Width in pixels.</summary>
    public int Width { get; init; } = 512;

    /// <summary>Height in pixels.</summary>
    public int Height { get; init; } = 512;

    /// <summary>Seed of the initial noise.</summary>
    public long Seed { get; init; }

    /// <summary>Noise generator (<see cref="LatentNoise.RngSource"/> for this engine).</summary>
    public string Rng { get; init; } = LatentNoise.RngSource;

    /// <summary>1 = last CLIP layer, 2 = penultimate.</summary>
    public int ClipSkip { get; init; } = 1;

    /// <summary>Device, dtype, VAE override and cache point of the run; null when unknown.</summary>
    public RecipeRuntime? Runtime { get; init; }

    /// <summary>Evaluations and timings of the run; null when unknown.</summary>
    public RecipeStats? Stats { get; init; }

    /// <summary>
    /// The recipe of a finished image. <paramref name="hashLora"/> supplies each LoRA's hashes (a library lookup);
    /// null hashes the files. <paramref name="settings"/> records the device, dtype, VAE override and cache point.
    /// </summary>
    public static GenerationRecipe From(GenerationOutput output, ModelIdentity model, GeneratorSettings? settings = null,
        Func<LoraRequest, LoraFileHashes>? hashLora = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(model);
        hashLora ??= l => LoraHashes.Compute(l.Path);
        var job = output.Job;
        var request = output.Parameters.Request;
        var method = output.Method;
        var requests = method == CompositionMethod.None ? [] : job.Loras;
        var bands = output.FrequencyOrder?.All.ToDictionary(o => o.Index);

        var loras = requests.Select((l, i) =>
        {
            var hashes = hashLora(l);
            var placed = bands is not null && bands.TryGetValue(i, out var o) ? o : null;
            return new RecipeLora(l.ResolvedId, hashes.Sha256, hashes.AutoV2, hashes.AutoV3, l.Weight, l.Category, l.FrequencyScore,
                placed?.Band, placed?.Source);
        }).ToList();
        var scheduleOrder = output.FrequencyOrder is { } order ? order.All.Select(o => o.Slot.Id).ToList() : output.LoraOrder.ToList();

        RecipeRuntime? runtime = settings is null ? null : new RecipeRuntime(
            settings.Device.Device.ToString(), settings.Device.DType.ToString().ToLowerInvariant(),
            settings.VaeOverridePath is { } vae ? ModelHashing.Compute(vae) : null, settings.CachePoint, EngineInfo.TorchSharpVersion);
        var s = output.Stats;
        return new GenerationRecipe
        {
            EngineVersion = EngineInfo.EngineVersion,
            Model = model,
            Loras = loras,
            ScheduleOrder = scheduleOrder,
            Method = method,
            Options = ExplicitOptions(method, job.Options),
            Prompt = job.Prompt,
            NegativePrompt = job.NegativePrompt,
            Sampler = SamplerNames.ShortName(output.Parameters.Sampler),
            Karras = output.Parameters.Scheduler.UseKarrasSigmas,
            TimestepSpacing = output.Parameters.Scheduler.TimestepSpacing,
            Steps = request.Steps,
            CfgScale = request.GuidanceScale,
            Width = request.Width,
            Height = request.Height,
            Seed = output.Parameters.Noise.Seed,
            Rng = output.Parameters.Noise.Rng,
            ClipSkip = job.ClipSkip,
            Runtime = runtime,
            Stats = new RecipeStats(s.FullEvaluations, s.CachedEvaluations, s.UNetCalls, s.MergedWeights,
                s.TextEncodeSeconds, s.DenoiseSeconds, s.DecodeSeconds),
        };
    }

    /// <summary>
    /// The job that makes this image again. <paramref name="resolveLora"/> maps each LoRA (by <see cref="RecipeLora.Hash"/>,
    /// or by name for imported recipes without hashes) to a file path and throws when the library lacks it.
    /// </summary>
    public GenerationJob ToJob(Func<RecipeLora, string> resolveLora)
    {
        ArgumentNullException.ThrowIfNull(resolveLora);
        var loras = Method == CompositionMethod.None
            ? []
            : Loras.Select(l => new LoraRequest(resolveLora(l), l.Weight, l.Category, l.FrequencyScore, l.Name)).ToList();
        var options = Options is not null && Options.Method == Method ? Options : null;
        // Karras is always explicit: the recipe records what ran, not what the model's scheduler file defaults to.
        var image = new TextToImageRequest(Width, Height, Steps, CfgScale, Seed, Sampler, Karras);
        return new GenerationJob(Prompt, NegativePrompt, loras, Method, options, image, ClipSkip);
    }

    /// <summary>
    /// Reasons a re-run with <paramref name="model"/> on <paramref name="settings"/> would not be pixel-identical
    /// (another model, noise generator, device, dtype, VAE or engine version); empty when none is known.
    /// </summary>
    public IReadOnlyList<string> ReproductionWarnings(ModelIdentity model, GeneratorSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var warnings = new List<string>();
        if (!Model.SameContentAs(model))
            warnings.Add($"The image was made with model '{Model.Name}' ({Model.AutoV2 ?? "hash unknown"}), not '{model.Name}' ({model.AutoV2}).");
        if (Rng != LatentNoise.RngSource)
            warnings.Add($"The image's noise came from '{Rng}'; this engine draws it with '{LatentNoise.RngSource}'.");
        if (EngineVersion is not null && EngineVersion != EngineInfo.EngineVersion)
            warnings.Add($"The image was made by engine {EngineVersion}; this is {EngineInfo.EngineVersion}.");
        if (Runtime is { } r && settings is not null)
        {
            string device = settings.Device.Device.ToString(), dtype = settings.Device.DType.ToString().ToLowerInvariant();
            if (r.Device != device || r.DType != dtype)
                warnings.Add($"The image was computed on {r.Device} ({r.DType}); this run uses {device} ({dtype}).");
            if ((r.Vae is null) != (settings.VaeOverridePath is null))
                warnings.Add(r.Vae is null ? "The image used the checkpoint's VAE; this run overrides it." : $"The image used VAE '{r.Vae.Name}'.");
        }
        return warnings;
    }

    // Null options mean "the defaults of the engine that ran"; they are written out so that later defaults cannot change the image.
    internal static CompositionOptions? ExplicitOptions(CompositionMethod method, CompositionOptions? options) =>
        options is not null && options.Method == method ? options : method switch
        {
            CompositionMethod.None => new NoLoraOptions(),
            CompositionMethod.Merge => new MergeOptions(),
            CompositionMethod.Switch => new SwitchOptions(),
            CompositionMethod.Composite => new CompositeOptions(),
            CompositionMethod.CmLora => new CmLoraOptions(),
            _ => null,
        };
}

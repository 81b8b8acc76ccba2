using System.Diagnostics;
using CMLoRA.Engine.Adapters;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.FeatureCache;
using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Profiling;
using CMLoRA.Engine.Sampling;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Generation;

/// <summary>
/// A loaded SD 1.x model that turns <see cref="GenerationJob"/>s into images: attaches the job's LoRAs as runtime
/// adapters, encodes the prompts with the method's text-encoder adapters, runs the sampling loop through a
/// <see cref="CompositionDenoiser"/> (schedules, batched adapters, per-LoRA feature caches), decodes and encodes
/// a PNG. One job at a time, on the calling thread (dispose scopes and no_grad are thread-local).
/// </summary>
public sealed class StableDiffusionGenerator : IDisposable
{
    private readonly StableDiffusionModels _models;
    private readonly ClipTokenizer _tokenizer;
    private readonly CachingUNet _unet;
    private readonly AutoencoderKL _vae;
    private readonly GeneratorSettings _settings;

    public string ModelPath { get; }
    public SchedulerConfig Scheduler { get; }
    public UNet2DConditionModel UNet => _unet.UNet;
    public CLIPTextModel TextEncoder => _models.TextEncoder;

    /// <summary>Pixels per latent cell of this model's VAE (8 for SD 1.x, 4 for the built-in model).</summary>
    public int VaeScaleFactor => _vae.SpatialScale;

    /// <summary>The image side the model was trained at: the UNet's sample size in latent cells times <see cref="VaeScaleFactor"/>.</summary>
    public int NativeSize => UNet.Config.SampleSize * VaeScaleFactor;

    private StableDiffusionGenerator(string path, StableDiffusionModels models, ClipTokenizer tokenizer, SchedulerConfig scheduler, GeneratorSettings settings)
    {
        ModelPath = path;
        _models = models;
        _tokenizer = tokenizer;
        _unet = new CachingUNet(models.RequireUnet(), settings.CachePoint);
        _vae = models.RequireVae();
        Scheduler = scheduler;
        _settings = settings;
    }

    /// <summary>
    /// Loads a diffusers folder or single-file checkpoint, its tokenizer and scheduler. A single file uses the configs,
    /// scheduler and tokenizer in its metadata (<see cref="SingleFileMetadata"/>); an SD 1.x file without them uses
    /// SD 1.5's and the built-in CLIP vocabulary; a file whose text encoder is not CLIP-sized and that carries no
    /// tokenizer uses the tokenizer of the folder it sits in.
    /// </summary>
    public static StableDiffusionGenerator Load(string modelPath, GeneratorSettings? settings = null)
    {
        settings ??= GeneratorSettings.Cpu;
        if (settings.Threads is { } threads) set_num_threads(threads);
        var models = StableDiffusionCheckpoint.Load(modelPath, new StableDiffusionLoadOptions
        {
            Device = settings.Device.Device,
            DType = settings.Device.DType,
            VaeOverridePath = settings.VaeOverridePath,
        });
        try
        {
            var tokenizer = LoadTokenizer(modelPath, models);
            var scheduler = models.SchedulerConfig is { } json ? SchedulerConfig.Parse(json.ToJsonString()) : SchedulerConfig.StableDiffusion15;
            return new StableDiffusionGenerator(modelPath, models, tokenizer, scheduler, settings);
        }
        catch
        {
            models.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Wraps models built in memory (benchmarks, tests with random weights) without reading any file; the generator
    /// owns and disposes them. The models must already be on <paramref name="settings"/>' device and dtype.
    /// </summary>
    public static StableDiffusionGenerator FromModels(UNet2DConditionModel unet, AutoencoderKL vae, CLIPTextModel textEncoder,
        ClipTokenizer tokenizer, GeneratorSettings? settings = null, SchedulerConfig? scheduler = null, string name = "(in memory)")
    {
        settings ??= GeneratorSettings.Cpu;
        if (settings.Threads is { } threads) set_num_threads(threads);
        var models = new StableDiffusionModels(CheckpointLayout.DiffusersFolder, textEncoder, unet, vae, null, [], []);
        return new StableDiffusionGenerator(name, models, tokenizer, scheduler ?? SchedulerConfig.StableDiffusion15, settings);
    }

    // A diffusers folder brings its tokenizer. A single file: the tokenizer in its metadata. Otherwise, with CLIP's
    // vocabulary size (every SD 1.x model), the built-in CLIP ViT-L/14 vocabulary. Otherwise a single file uses the
    // tokenizer of the folder it sits in (its tokenizer/ subfolder, or vocab.json + merges.txt beside the file), e.g. a
    // single file kept inside its diffusers folder.
    private static ClipTokenizer LoadTokenizer(string modelPath, StableDiffusionModels models)
    {
        bool isFolder = Directory.Exists(modelPath);
        string folder = isFolder ? Path.Combine(modelPath, ClipTokenizer.TokenizerSubfolder) : "";
        if (Directory.Exists(folder)) return ClipTokenizer.Load(folder);
        if (models.Tokenizer is { } embedded) return embedded;
        var config = models.TextEncoder.Config;
        var builtIn = ClipTokenizer.LoadDefault();
        if (config.VocabSize == builtIn.VocabularySize) return builtIn;
        if (isFolder) throw new TokenizerFilesMissingException(folder, [ClipTokenizer.VocabFileName, ClipTokenizer.MergesFileName]);
        var beside = ClipTokenizer.Load(Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".");
        if (beside.VocabularySize != config.VocabSize)
            throw new InvalidDataException(
                $"{beside.Source}: {beside.VocabularySize} tokens, but the text encoder of '{modelPath}' has vocab_size {config.VocabSize}");
        return beside;
    }

    /// <summary>Generates one image. Cancellation is checked before every step and stops within one step.</summary>
    public GenerationOutput Generate(GenerationJob job, Action<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        // 1. Validate
        job.Validate();
        using var noGrad = no_grad();
        var clock = Stopwatch.StartNew();
        var method = job.EffectiveMethod;
        var loras = method == CompositionMethod.None ? [] : job.Loras;

        // 2. LoRAs as runtime adapters on the UNet and the text encoder (same index in both sets)
        var files = new List<LoraModel>();
        using var unetAdapters = new LoraAdapterSet(UNet);
        using var textAdapters = new LoraAdapterSet(TextEncoder);
        try
        {
            foreach (var lora in loras)
            {
                var file = LoraFile.Open(lora.Path);
                files.Add(file);
                LoraAttachment.Attach(file, UNet, unetAdapters, TextEncoder, textAdapters, _settings.Device.Device, _settings.Device.DType);
            }
            var slots = loras.Select(l => new LoraSlot(l.ResolvedId, l.Category, l.FrequencyScore)).ToList();
            var scales = loras.Select(l => l.Weight).ToList();
            var schedule = CompositionScheduleFactory.Create(method, job.Options);
            int steps = job.Image.Steps;

            // 3. Prompts, with the text-encoder adapters the method defines (spec 1.6)
            var firstPlan = schedule.Plan(0, steps, slots);
            textAdapters.Active = AdapterMix.All(firstPlan.TextEncoderAdapters.Select(a => new ActiveAdapter(a.Index, (float)a.Weight * scales[a.Index])).ToArray());
            var encoder = new PromptEncoder(_tokenizer, TextEncoder);
            var (prompt, negative) = encoder.EncodePair(job.Prompt, job.NegativePrompt, job.ClipSkip);
            textAdapters.Active = AdapterMix.None;
            using var promptOwner = prompt;
            using var negativeOwner = negative;
            double textSeconds = clock.Elapsed.TotalSeconds;
            cancellationToken.ThrowIfCancellationRequested();

            // 4. Denoise through the composition (merged weights when the plan never changes)
            using var cache = new FeatureCacheSet(_settings.CacheBytes);
            using var denoiser = new CompositionDenoiser(_unet, unetAdapters, schedule, slots, scales, cache);
            bool merged = denoiser.MergeIfStatic(steps);
            var latentSignal = new List<double?>(steps);
            var pipeline = new TextToImagePipeline(denoiser.Predict, Decode, Scheduler, _settings.Device.Device);
            var denoiseStart = clock.Elapsed;
            using var result = pipeline.Generate(job.Image with { VaeScaleFactor = VaeScaleFactor }, prompt, negative, step =>
            {
                latentSignal.Add(LatentHighFrequency(step.Latents));
                string? dominant = denoiser.Plans.Count > 0 && denoiser.Plans[^1].DominantLora is { } d ? slots[d].Id : null;
                progress?.Invoke(new GenerationProgress(step.Step, step.Total, step.Elapsed, dominant, step.RenderPreview));
            }, cancellationToken: cancellationToken);
            // The pipeline decodes before it returns; its decode time belongs to the decode, not the denoise.
            var denoiseSeconds = (clock.Elapsed - denoiseStart - result.DecodeTime).TotalSeconds;

            // 5. PNG
            var encodeStart = clock.Elapsed;
            byte[] png = PngEncoding.Encode(result.Image!);
            var dominantPerStep = method == CompositionMethod.CmLora
                ? denoiser.Plans.Select(p => p.DominantLora is { } i ? slots[i].Id : null).ToList()
                : null;
            var stats = new GenerationStats(denoiser.FullEvaluations, denoiser.CachedEvaluations, denoiser.UNetCalls, merged,
                latentSignal, dominantPerStep, textSeconds, denoiseSeconds, (result.DecodeTime + clock.Elapsed - encodeStart).TotalSeconds);
            // The order CmLoraSchedule derives from the same slots and options, recorded for the image's record.
            var frequencyOrder = method == CompositionMethod.CmLora
                ? LoraOrdering.Order(slots, ((CmLoraOptions?)job.Options ?? new CmLoraOptions()).Ordering)
                : null;
            return new GenerationOutput(png, job, method, result.Parameters, slots.Select(s => s.Id).ToList(), stats, frequencyOrder);
        }
        finally
        {
            foreach (var file in files) file.Dispose();
        }
    }

    // The pipeline divides by SD 1.x's 0.18215; a VAE with another scaling_factor (the built-in one) gets its own.
    private Tensor Decode(Tensor latents)
    {
        double factor = TextToImagePipeline.VaeScalingFactor / _vae.ScalingFactor;
        if (factor == 1.0) return _vae.Decode(latents);
        using var rescaled = latents.Times(factor);
        return _vae.Decode(rescaled);
    }

    // The online signal of spec 3.6: high-frequency share of the latent's spectrum; null when the latent is too small.
    private static double? LatentHighFrequency(Tensor latents)
    {
        try
        {
            return FrequencyStatistic.Profile(latents, FrequencyOptions.RawField).HighFrequencyScore;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public void Dispose() => _models.Dispose();
}

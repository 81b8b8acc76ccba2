using System.Diagnostics;
using CMLoRA.Engine.Sampling;
using CMLoRA.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Pipelines;

/// <summary>
/// The SD 1.x text-to-image loop (diffusers' <c>StableDiffusionPipeline.__call__</c>, CMLoRA spec §1.2–1.5) over
/// delegates instead of concrete models: seeded initial latents, one batched [uncond; cond] denoiser call per
/// step, classifier-free guidance, the sampler step, progress with an on-demand preview, cooperative
/// cancellation at the top of every step, and an optional decode. Runs synchronously on the calling thread
/// (dispose scopes and no_grad are thread-local); one dispose scope per step.
/// </summary>
public sealed class TextToImagePipeline
{
    /// <summary>SD 1.x VAE scaling factor: latents are divided by it before decoding.</summary>
    public const double VaeScalingFactor = 0.18215;

    private readonly NoisePredictor _predictor;
    private readonly LatentDecoder? _decoder;
    private readonly SchedulerConfig _scheduler;
    private readonly Device _device;

    /// <summary>Wires the loop to a denoiser, an optional decoder, the model's scheduler config and a device.</summary>
    public TextToImagePipeline(NoisePredictor predictor, LatentDecoder? decoder = null, SchedulerConfig? scheduler = null, Device? device = null)
    {
        _predictor = predictor ?? throw new ArgumentNullException(nameof(predictor));
        _decoder = decoder;
        _scheduler = scheduler ?? SchedulerConfig.StableDiffusion15;
        _device = device ?? CPU;
    }

    /// <summary>
    /// Generates one image. <paramref name="promptEmbeds"/> and <paramref name="negativeEmbeds"/> are [1, 77, D]
    /// text-encoder outputs. <paramref name="initialNoise"/>, when given, replaces the seeded draw (unit Gaussian,
    /// [1, 4, H/8, W/8]). Throws <see cref="OperationCanceledException"/> at the top of the first step after
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public TextToImageResult Generate(
        TextToImageRequest request,
        Tensor promptEmbeds,
        Tensor negativeEmbeds,
        Action<StepProgress>? progress = null,
        Tensor? initialNoise = null,
        CancellationToken cancellationToken = default)
    {
        // 1. Check inputs
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        CheckEmbeddings(promptEmbeds, negativeEmbeds);
        long[] shape = request.LatentShape;
        if (initialNoise is not null && !initialNoise.shape.SequenceEqual(shape))
            throw new ArgumentException($"initial noise must be [{string.Join(", ", shape)}], got [{string.Join(", ", initialNoise.shape)}].", nameof(initialNoise));
        cancellationToken.ThrowIfCancellationRequested();

        var clock = Stopwatch.StartNew();
        using var noGrad = no_grad();

        // 2. Plan the sampler
        using var sampler = SamplerFactory.Create(request.Sampler, _scheduler, request.Karras);
        var plan = sampler.Prepare(request.Steps);

        // 3. Initial latents: CPU generator draw × init_noise_sigma (the generator stays alive for ancestral noise)
        using var rng = LatentNoise.CreateGenerator(request.Seed);
        var noise = initialNoise is null
            ? LatentNoise.Describe(request.Seed, shape)
            : new NoiseSource(request.Seed, "supplied", shape);
        Tensor latents, conditioning;
        using (NewDisposeScope())
        {
            // Temporaries die with this scope; the caller's tensors were created outside it and are never disposed.
            var unit = initialNoise is null ? LatentNoise.Draw(rng, shape, _device) : initialNoise.to_type(ScalarType.Float32).to(_device);
            latents = unit.Times(plan.InitNoiseSigma).MoveToOuterDisposeScope();

            // 4. Conditioning batch: [negative; prompt] under guidance (diffusers' order), else the prompt alone
            var c = request.UsesGuidance ? cat([negativeEmbeds.to(_device), promptEmbeds.to(_device)]) : promptEmbeds.to(_device).alias();
            conditioning = c.MoveToOuterDisposeScope();
        }
        using var ownedConditioning = conditioning;

        // 5. Denoising loop
        var stepTimes = new List<TimeSpan>(plan.Steps);
        try
        {
            for (int k = 0; k < plan.Steps; k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var stepStart = clock.Elapsed;
                using (var scope = NewDisposeScope())
                {
                    var modelInput = sampler.ScaleModelInput(latents, k);
                    var batch = request.UsesGuidance ? cat([modelInput, modelInput]) : modelInput;
                    var timestep = plan.TimestepTensor(k, _device);
                    var prediction = _predictor(k, plan.Steps, batch, timestep, conditioning);
                    var guided = request.UsesGuidance ? Guidance.ApplyBatched(prediction, request.GuidanceScale) : prediction;
                    var next = sampler.Step(guided, k, latents, rng).MoveToOuterDisposeScope();
                    latents.Dispose();
                    latents = next;
                }
                stepTimes.Add(clock.Elapsed - stepStart);
                Report(progress, k, plan, latents, clock.Elapsed);
            }

            // 6. Decode: image = clamp(decode(latents / 0.18215) / 2 + 0.5, 0, 1)
            Tensor? image = null;
            var decodeTime = TimeSpan.Zero;
            if (_decoder is not null)
            {
                var decodeStart = clock.Elapsed;
                using (var scope = NewDisposeScope())
                {
                    var decoded = _decoder(latents.DividedBy(VaeScalingFactor));
                    image = decoded.div(Scalars.Two).add(Scalars.Half, Scalars.One).clamp(Scalars.Zero, Scalars.One).MoveToOuterDisposeScope();
                }
                decodeTime = clock.Elapsed - decodeStart;
            }
            var parameters = new GenerationParameters(request, sampler.Kind, sampler.Config, plan.Timesteps, plan.Sigmas, plan.InitNoiseSigma, noise);
            return new TextToImageResult(parameters, latents, image, stepTimes, clock.Elapsed, decodeTime);
        }
        catch
        {
            latents.Dispose();
            throw;
        }
    }

    private static void Report(Action<StepProgress>? progress, int k, SamplerPlan plan, Tensor latents, TimeSpan elapsed)
    {
        if (progress is null) return;
        var report = new StepProgress(k + 1, plan.Steps, plan.Timesteps[k], elapsed) { PreviewSource = () => LatentPreview.Render(latents), CurrentLatents = latents };
        try
        {
            progress(report);
        }
        finally
        {
            report.Expired = true;
        }
    }

    private static void CheckEmbeddings(Tensor prompt, Tensor negative)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(negative);
        if (prompt.dim() != 3 || prompt.shape[0] != 1)
            throw new ArgumentException($"prompt embeddings must be [1, tokens, dim], got [{string.Join(", ", prompt.shape)}].", nameof(prompt));
        if (!negative.shape.SequenceEqual(prompt.shape))
            throw new ArgumentException($"negative embeddings [{string.Join(", ", negative.shape)}] must match the prompt's [{string.Join(", ", prompt.shape)}].", nameof(negative));
    }
}

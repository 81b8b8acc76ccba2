using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.World;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// Trains the built-in model's <see cref="AutoencoderKL"/> on world pictures rendered on the fly: mean absolute plus
/// mean squared reconstruction error of a posterior sample and a small KL term. When done, <see cref="Export"/>
/// measures the latent std, stores <c>scaling_factor = 1 / std</c> in the config (as SD did) and writes <c>vae/</c>.
/// </summary>
public sealed class VaeTrainer : ITrainingObjective, IDisposable
{
    /// <summary>The exported diffusers VAE folder inside the run folder.</summary>
    public const string ComponentFolder = "vae";

    // Seeds of the independent random streams of one run.
    private const long NoiseStream = 0x5EED_0001, ScalingStream = 0x5EED_0002;

    private readonly TrainingLoop _loop;
    private readonly ConvolutionGradientGuard _guard;

    private VaeTrainer(RunFolder run, VaeTrainingOptions options)
    {
        Run = run;
        Options = options;
        Vae = new AutoencoderKL(options.ResolvedConfig);
        using (var generator = new torch.Generator(unchecked((ulong)options.Seed)))
            ModelInitialization.Apply(Vae, generator);
        foreach (var parameter in Vae.parameters()) parameter.requires_grad = true;
        Vae.train();
        _guard = ConvolutionGradientGuard.Install(Vae);
        Parameters = Vae.parameters().ToList();
        CheckpointModules = [("vae", Vae)];
        var rate = new LearningRateSchedule(options.LearningRate, (int)options.Steps, options.WarmupSteps, options.Cosine);
        _loop = new TrainingLoop(run, this, new TrainingLoopSettings(options.Steps, options.Seed, rate,
            CheckpointEvery: options.CheckpointEvery, PlotTitle: "VAE reconstruction loss"));
    }

    /// <summary>Starts a new run in <paramref name="runPath"/> (which must hold none).</summary>
    public static VaeTrainer Start(string runPath, VaeTrainingOptions options) => new(RunOptions.Start(runPath, options), options);

    /// <summary>Resumes the run in <paramref name="runPath"/> from its newest checkpoint, optionally with a new step count.</summary>
    public static VaeTrainer Resume(string runPath, long? steps = null)
    {
        var (run, options) = RunOptions.Resume<VaeTrainingOptions>(runPath, o => steps is { } s ? o with { Steps = s } : o);
        return new VaeTrainer(run, options);
    }

    public RunFolder Run { get; }
    public VaeTrainingOptions Options { get; }
    public AutoencoderKL Vae { get; }
    public string Kind => "vae";
    public IReadOnlyList<(string Prefix, nn.Module Module)> CheckpointModules { get; }
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Completed steps when this session started.</summary>
    public long StartStep => _loop.StartStep;

    /// <summary>Runs the remaining steps (see <see cref="TrainingLoop.Run"/>).</summary>
    public TrainingResult Train(Action<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _loop.Run(progress, cancellationToken);

    /// <summary>The loss of the draws of step <paramref name="draw"/> without training (see <see cref="TrainingLoop.EvaluateLoss"/>).</summary>
    public float EvaluateLoss(long draw) => _loop.EvaluateLoss(draw);

    /// <inheritdoc/>
    Tensor ITrainingObjective.Loss(long step)
    {
        int batch = Options.BatchSize;
        var indices = Enumerable.Range(0, batch)
            .Select(i => Options.DatasetSize > 0 ? (step * batch + i) % Options.DatasetSize : step * batch + i).ToArray();
        using var images = WorldScenes.MixedBatch(Options.Seed, indices, Options.NovelProbability);
        var (mean, logVar) = Vae.Encode(images);
        using var generator = new torch.Generator(unchecked((ulong)WorldRandom.Derive(Options.Seed ^ NoiseStream, step)));
        using var z = mean.add(logVar.Times(0.5).exp() * randn(mean.shape, generator: generator), Scalars.One);
        using var reconstruction = Vae.Decode(z);
        using var error = reconstruction - images;
        // KL(N(μ, σ²) ‖ N(0, 1)) = ½(μ² + σ² − 1 − ln σ²), summed over latent elements.
        using var kl = (mean.Squared().add(logVar.exp(), Scalars.One) - logVar).Plus(-1).Times(0.5).sum([1, 2, 3]).mean();
        mean.Dispose();
        logVar.Dispose();
        return error.abs().mean().add(error.Squared().mean().Times(Options.L2Weight), Scalars.One).add(kl.Times(Options.KlWeight), Scalars.One);
    }

    /// <summary>
    /// Measures the std of posterior samples of <see cref="VaeTrainingOptions.ScalingSamples"/> pictures, writes the
    /// VAE with <c>scaling_factor = 1 / std</c> to <c>vae/</c> in the run folder and returns that folder.
    /// </summary>
    public string Export()
    {
        double scaling = MeasureScalingFactor(Vae, Options.Seed ^ ScalingStream, Options.ScalingSamples, Options.NovelProbability);
        var config = Options.ResolvedConfig with { ScalingFactor = scaling };
        string folder = Run.File(ComponentFolder);
        DiffusersComponentWriter.WriteVae(folder, config, Vae);
        return folder;
    }

    /// <summary>1 / std of posterior samples of <paramref name="count"/> mixed world pictures (SD's recipe for its 0.18215).</summary>
    public static double MeasureScalingFactor(AutoencoderKL vae, long seed, int count, double novelProbability = 0.3)
    {
        using var noGrad = no_grad();
        bool training = vae.training;
        vae.eval();
        double sum = 0, sumSquares = 0;
        long n = 0;
        using var generator = new torch.Generator(unchecked((ulong)seed));
        for (int first = 0; first < count; first += 64)
        {
            using var scope = NewDisposeScope();
            int size = Math.Min(64, count - first);
            var images = WorldScenes.MixedBatch(seed, first, size, novelProbability);
            var (mean, logVar) = vae.Encode(images);
            var z = mean.add(logVar.Times(0.5).exp() * randn(mean.shape, generator: generator), Scalars.One).to_type(ScalarType.Float64);
            sum += z.sum().item<double>();
            sumSquares += z.Squared().sum().item<double>();
            n += z.numel();
        }
        if (training) vae.train();
        double variance = sumSquares / n - Math.Pow(sum / n, 2);
        return 1.0 / Math.Sqrt(variance);
    }

    public void Dispose()
    {
        _loop.Dispose();
        _guard.Dispose();
        Vae.Dispose();
    }
}

using System.Globalization;
using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Sampling;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Text;
using CMLoRA.Engine.World;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// Trains a LoRA (kohya <c>networks.lora</c> layout, rank 4–8) on a frozen diffusers model from a folder of captioned
/// pictures or from a novel world concept rendered on the fly, with the model's own ε-prediction objective, and
/// writes a kohya safetensors file with <c>ss_*</c> metadata and the trigger word.
/// </summary>
public sealed class LoraTrainer : ITrainingObjective, IDisposable
{
    private const long NoiseStream = 0x5EED_0201;

    private readonly StableDiffusionModels _models;
    private readonly LatentDataset _data;
    private readonly Tensor _ids;
    private readonly Tensor _emptyIds;
    private readonly Tensor? _contexts;
    private readonly Tensor? _emptyContext;
    private readonly DiffusionNoising _noising;
    private readonly TrainingLoop _loop;
    private readonly ConvolutionGradientGuard _guard;
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    private LoraTrainer(RunFolder run, LoraTrainingOptions options, Action<int>? encodeProgress)
    {
        Run = run;
        Options = options;
        _models = StableDiffusionCheckpoint.Load(options.ModelPath);
        try
        {
            Tokenizer = ClipTokenizer.Load(options.ModelPath);
            var scheduler = _models.SchedulerConfig is { } json ? SchedulerConfig.Parse(json.ToJsonString()) : null;
            _noising = new DiffusionNoising(scheduler);
            foreach (nn.Module module in new nn.Module[] { Unet, Vae, TextEncoder })
                foreach (var parameter in module.parameters()) parameter.requires_grad = false;

            // 1. Data: pictures encoded once, captions tokenized once
            int size = (int)Unet.Config.SampleSize * Vae.SpatialScale;
            var (pictures, captions) = LoadData(options, size);
            using (pictures)
                _data = LatentDataset.Encode(Vae, captions.Count, (first, count) => pictures.narrow(0, first, count), captions, encodeProgress);
            _ids = tensor(captions.SelectMany(c => Tokenizer.EncodePadded(c)).Select(i => (long)i).ToArray(), [captions.Count, ClipTokenizer.DefaultMaxLength]);
            _emptyIds = tensor(Tokenizer.EncodePadded("").Select(i => (long)i).ToArray(), [1, ClipTokenizer.DefaultMaxLength]);

            // 2. The network (and, with a frozen text encoder, the conditioning computed once)
            using (var generator = new torch.Generator(unchecked((ulong)options.Seed)))
                Network = new TrainableLoraNetwork(Unet, options.TrainTextEncoder ? TextEncoder : null, options.Rank, options.ResolvedAlpha, generator);
            Parameters = Network.parameters().ToList();
            _guard = ConvolutionGradientGuard.Install(Unet);
            foreach (var parameter in Parameters) parameter.requires_grad = true;
            if (!options.TrainTextEncoder)
            {
                using var noGrad = no_grad();
                _contexts = TextEncoder.forward(_ids);
                _emptyContext = TextEncoder.forward(_emptyIds);
            }
            CheckpointModules = [("lora", Network)];
            var rate = new LearningRateSchedule(options.LearningRate, (int)options.Steps, options.WarmupSteps, options.Cosine);
            _loop = new TrainingLoop(run, this, new TrainingLoopSettings(options.Steps, options.Seed, rate,
                CheckpointEvery: options.CheckpointEvery, PlotTitle: $"LoRA {Path.GetFileNameWithoutExtension(options.OutputPath)} ε-prediction loss"));
        }
        catch
        {
            _models.Dispose();
            throw;
        }
    }

    /// <summary>Starts a run in <paramref name="runPath"/> (which must hold none); reports the pictures encoded.</summary>
    public static LoraTrainer Start(string runPath, LoraTrainingOptions options, Action<int>? encodeProgress = null)
    {
        if ((options.DataPath is null) == (options.Concept is null))
            throw new ArgumentException("give either a folder of captioned pictures or a world concept, not both and not neither");
        if (options.Rank < 1) throw new ArgumentException($"the rank must be positive (got {options.Rank})");
        if (options.Concept is { } name && ConceptCatalog.Find(name) is not { IsNovel: true })
            throw new ArgumentException($"'{name}' is not a novel world concept; trigger words: {string.Join(", ", ConceptCatalog.Novel.Select(c => c.Trigger))}");
        var resolved = options with { Trigger = options.Trigger ?? (options.Concept is { } c ? ConceptCatalog.Find(c)!.Trigger : null) };
        return new LoraTrainer(RunOptions.Start(runPath, resolved), resolved, encodeProgress);
    }

    /// <summary>Resumes the run in <paramref name="runPath"/> from its newest checkpoint, optionally with a new step count.</summary>
    public static LoraTrainer Resume(string runPath, long? steps = null, Action<int>? encodeProgress = null)
    {
        var (run, options) = RunOptions.Resume<LoraTrainingOptions>(runPath, o => steps is { } s ? o with { Steps = s } : o);
        return new LoraTrainer(run, options, encodeProgress);
    }

    public RunFolder Run { get; }
    public LoraTrainingOptions Options { get; }
    public ClipTokenizer Tokenizer { get; }
    public TrainableLoraNetwork Network { get; }
    public UNet2DConditionModel Unet => _models.RequireUnet();
    public AutoencoderKL Vae => _models.RequireVae();
    public CLIPTextModel TextEncoder => _models.TextEncoder;
    public int ImageCount => _data.Count;
    public string Kind => "lora";
    public IReadOnlyList<(string Prefix, nn.Module Module)> CheckpointModules { get; }
    public IReadOnlyList<Parameter> Parameters { get; }
    public long StartStep => _loop.StartStep;

    /// <summary>Runs the remaining steps (see <see cref="TrainingLoop.Run"/>).</summary>
    public TrainingResult Train(Action<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _loop.Run(progress, cancellationToken);

    /// <summary>The loss of the draws of step <paramref name="draw"/> without training (see <see cref="TrainingLoop.EvaluateLoss"/>).</summary>
    public float EvaluateLoss(long draw) => _loop.EvaluateLoss(draw);

    // Draw order (fixed, so resumed runs repeat): picture indices, posterior noise, caption dropout, timesteps, ε.
    /// <inheritdoc/>
    Tensor ITrainingObjective.Loss(long step)
    {
        int batch = Options.BatchSize;
        using var generator = new torch.Generator(unchecked((ulong)WorldRandom.Derive(Options.Seed ^ NoiseStream, step)));
        using var indices = randint(0, _data.Count, [batch], ScalarType.Int64, generator: generator);
        using var latents = _data.Sample(indices, generator);
        using var uniform = rand([batch], generator: generator);
        using var dropped = uniform.Below(Options.CaptionDropout);
        Tensor context;
        if (_contexts is not null)
        {
            context = where(dropped.view(batch, 1, 1), _emptyContext!.expand(batch, -1, -1), _contexts.index_select(0, indices));
        }
        else
        {
            using var ids = where(dropped.view(batch, 1), _emptyIds.expand(batch, -1), _ids.index_select(0, indices));
            context = TextEncoder.forward(ids);
        }
        using (context) return _noising.Loss(Unet, latents, context, generator);
    }

    /// <summary>Writes the kohya LoRA file to <paramref name="path"/> (default: <see cref="LoraTrainingOptions.OutputPath"/>, where
    /// the run was started to write) and returns its path.</summary>
    public string Save(TrainingResult result, string? path = null)
    {
        path = Path.GetFullPath(path ?? Options.OutputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Network.Save(path, LoraTrainingMetadata.Build(Options, _data.Captions, result, _started, Unet.Config.SampleSize * Vae.SpatialScale),
            Options.HalfPrecision ? ScalarType.Float16 : ScalarType.Float32);
        return path;
    }

    private static (Tensor Pictures, IReadOnlyList<string> Captions) LoadData(LoraTrainingOptions options, int size)
    {
        if (options.Concept is { } name)
        {
            var concept = ConceptCatalog.Find(name)!;
            if (size != SceneRenderer.ImageSize)
                throw new InvalidOperationException($"world pictures are {SceneRenderer.ImageSize}×{SceneRenderer.ImageSize} but the model makes {size}×{size}");
            var items = Enumerable.Range(0, options.Images).Select(i => DatasetWriter.Item(options.Seed, i, concept)).ToArray();
            using var pictures = WorldScenes.RenderParallel(items);
            return (pictures.ToSignedRange(), items.Select(i => CaptionWriter.Write(i.Spec)).ToArray());
        }
        var listed = CaptionedImages.List(options.DataPath!);
        return (CaptionedImages.Load(listed.Select(i => i.Path), size), listed.Select(i => i.Caption).ToArray());
    }

    public void Dispose()
    {
        _loop.Dispose();
        _guard.Dispose();
        Network.Dispose();
        _noising.Dispose();
        _ids.Dispose();
        _emptyIds.Dispose();
        _contexts?.Dispose();
        _emptyContext?.Dispose();
        _data.Dispose();
        _models.Dispose();
    }
}

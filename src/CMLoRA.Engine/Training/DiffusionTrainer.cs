using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Text;
using CMLoRA.Engine.World;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// Trains the built-in UNet and text encoder jointly with the ε-prediction loss on VAE latents × scaling_factor of
/// captioned base-world scenes, dropping 10% of the captions for classifier-free guidance. Starting a run learns the
/// tokenizer (<c>tokenizer/</c>), copies the VAE (<c>vae/</c>) and encodes the dataset once (<c>latents.safetensors</c>),
/// so the run folder holds everything <see cref="BuiltInModelExporter"/> needs.
/// </summary>
public sealed class DiffusionTrainer : ITrainingObjective, IDisposable
{
    public const string TokenizerFolder = "tokenizer";
    public const string VaeFolder = "vae";
    public const string LatentsFile = "latents.safetensors";
    public const string VaeRunOptionsFile = "vae-run.json";
    public const string VaeRunStateFile = "vae-state.json";

    private const long NoiseStream = 0x5EED_0101;

    private readonly LatentDataset _data;
    private readonly Tensor _ids;
    private readonly Tensor _emptyIds;
    private readonly DiffusionNoising _noising = new();
    private readonly TrainingLoop _loop;
    private readonly ConvolutionGradientGuard _guard;

    private DiffusionTrainer(RunFolder run, DiffusionTrainingOptions options)
    {
        Run = run;
        Options = options;
        Tokenizer = ClipTokenizer.Load(run.File(TokenizerFolder));
        _data = LatentDataset.Load(run.File(LatentsFile));
        _ids = tensor(_data.Captions.SelectMany(c => Tokenizer.EncodePadded(c)).Select(i => (long)i).ToArray(), [_data.Count, ClipTokenizer.DefaultMaxLength]);
        _emptyIds = tensor(Tokenizer.EncodePadded("").Select(i => (long)i).ToArray(), [1, ClipTokenizer.DefaultMaxLength]);

        TextEncoder = new CLIPTextModel(options.TextEncoder!);
        Unet = new UNet2DConditionModel(options.Unet!);
        using var generator = new torch.Generator(unchecked((ulong)options.Seed));
        foreach (nn.Module module in new nn.Module[] { TextEncoder, Unet })
        {
            ModelInitialization.Apply(module, generator);
            foreach (var parameter in module.parameters()) parameter.requires_grad = true;
            module.train();
        }
        _guard = ConvolutionGradientGuard.Install(Unet);
        Parameters = Unet.parameters().Concat(TextEncoder.parameters()).ToList();
        CheckpointModules = [("unet", Unet), ("text_encoder", TextEncoder)];
        var rate = new LearningRateSchedule(options.LearningRate, (int)options.Steps, options.WarmupSteps, options.Cosine);
        _loop = new TrainingLoop(run, this, new TrainingLoopSettings(options.Steps, options.Seed, rate,
            CheckpointEvery: options.CheckpointEvery, PlotTitle: "UNet + text encoder ε-prediction loss"));
    }

    /// <summary>
    /// Starts a run: learns the tokenizer, copies the VAE, encodes <see cref="DiffusionTrainingOptions.DatasetSize"/>
    /// base scenes (reporting the count done) and writes <c>run.json</c> with the resolved configs.
    /// </summary>
    public static DiffusionTrainer Start(string runPath, DiffusionTrainingOptions options, Action<int>? encodeProgress = null,
        CancellationToken cancellationToken = default)
    {
        var run = new RunFolder(runPath);
        if (File.Exists(run.OptionsPath) || run.LatestCheckpoint() is not null)
            throw new InvalidOperationException($"{run.Path} already holds a run; resume it (--resume) or choose another folder");
        string vaeSource = ResolveVaeFolder(options.VaePath);

        var vocabulary = BpeVocabularyBuilder.Learn(WorldCaptionCorpus.Captions(options.Seed), options.VocabularySize);
        vocabulary.WriteTo(run.File(TokenizerFolder));
        CopyFolder(vaeSource, run.File(VaeFolder));
        // Keep the VAE run's options and final state beside it for the model card.
        string vaeRunFolder = Path.GetDirectoryName(vaeSource)!;
        if (File.Exists(Path.Combine(vaeRunFolder, "run.json")) && new RunFolder(vaeRunFolder).LatestCheckpoint() is var (_, vaeCheckpoint))
        {
            File.Copy(Path.Combine(vaeRunFolder, "run.json"), run.File(VaeRunOptionsFile), overwrite: true);
            File.Copy(Path.Combine(vaeCheckpoint, TrainingCheckpoint.StateFileName), run.File(VaeRunStateFile), overwrite: true);
        }

        using (var vae = AutoencoderKL.FromDiffusersFolder(run.File(VaeFolder)))
        {
            var specs = Enumerable.Range(0, options.DatasetSize).Select(i => DatasetWriter.Item(options.Seed, i)).ToArray();
            var captions = specs.Select(s => CaptionWriter.Write(s.Spec)).ToArray();
            using var data = LatentDataset.Encode(vae, specs.Length, (first, size) =>
            {
                using var pictures = WorldScenes.RenderParallel(specs.Skip(first).Take(size).ToArray());
                return pictures.ToSignedRange();
            }, captions, encodeProgress, cancellationToken);
            data.Save(run.File(LatentsFile));
        }

        var template = options.TextEncoder ?? BuiltInModelConfigs.TextEncoder(vocabulary.Count);
        var resolved = options with
        {
            Unet = options.Unet ?? BuiltInModelConfigs.Unet,
            TextEncoder = template with
            {
                VocabSize = vocabulary.Count, BosTokenId = vocabulary.BosId, EosTokenId = vocabulary.EosId, PadTokenId = vocabulary.EosId,
            },
        };
        run.WriteJson(Path.GetFileName(run.OptionsPath), resolved);
        return new DiffusionTrainer(run, resolved);
    }

    /// <summary>Resumes the run in <paramref name="runPath"/> from its newest checkpoint, optionally with a new step count.</summary>
    public static DiffusionTrainer Resume(string runPath, long? steps = null)
    {
        var (run, options) = RunOptions.Resume<DiffusionTrainingOptions>(runPath, o => steps is { } s ? o with { Steps = s } : o);
        return new DiffusionTrainer(run, options);
    }

    public RunFolder Run { get; }
    public DiffusionTrainingOptions Options { get; }
    public ClipTokenizer Tokenizer { get; }
    public UNet2DConditionModel Unet { get; }
    public CLIPTextModel TextEncoder { get; }
    public string Kind => "model";
    public IReadOnlyList<(string Prefix, nn.Module Module)> CheckpointModules { get; }
    public IReadOnlyList<Parameter> Parameters { get; }
    public long StartStep => _loop.StartStep;

    /// <summary>Runs the remaining steps (see <see cref="TrainingLoop.Run"/>).</summary>
    public TrainingResult Train(Action<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _loop.Run(progress, cancellationToken);

    /// <summary>The loss of the draws of step <paramref name="draw"/> without training (see <see cref="TrainingLoop.EvaluateLoss"/>).</summary>
    public float EvaluateLoss(long draw) => _loop.EvaluateLoss(draw);

    // Draw order (fixed, so resumed runs repeat): dataset indices, posterior noise, caption dropout, timesteps, ε.
    /// <inheritdoc/>
    Tensor ITrainingObjective.Loss(long step)
    {
        int batch = Options.BatchSize;
        using var generator = new torch.Generator(unchecked((ulong)WorldRandom.Derive(Options.Seed ^ NoiseStream, step)));
        using var indices = randint(0, _data.Count, [batch], ScalarType.Int64, generator: generator);
        using var latents = _data.Sample(indices, generator);
        using var uniform = rand([batch], generator: generator);
        using var dropped = uniform.Below(Options.CaptionDropout).view(batch, 1);
        using var ids = where(dropped, _emptyIds.expand(batch, -1), _ids.index_select(0, indices));
        using var context = TextEncoder.forward(ids);
        return _noising.Loss(Unet, latents, context, generator);
    }

    /// <summary>
    /// The VAE component folder behind <paramref name="path"/>: a folder with config.json and weights, or the
    /// <c>vae/</c> of a <c>train vae</c> run or of a diffusers model folder.
    /// </summary>
    public static string ResolveVaeFolder(string path)
    {
        foreach (string candidate in new[] { path, Path.Combine(path, VaeTrainer.ComponentFolder) })
            if (File.Exists(Path.Combine(candidate, "config.json")) && File.Exists(Path.Combine(candidate, "diffusion_pytorch_model.safetensors")))
                return Path.GetFullPath(candidate);
        throw new InvalidOperationException(
            $"no VAE at '{path}': expected config.json and diffusion_pytorch_model.safetensors there or in its vae/ folder (finish `cmlora train vae` first)");
    }

    private static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
    }

    public void Dispose()
    {
        _loop.Dispose();
        _guard.Dispose();
        _noising.Dispose();
        _ids.Dispose();
        _emptyIds.Dispose();
        _data.Dispose();
        Unet.Dispose();
        TextEncoder.Dispose();
    }
}

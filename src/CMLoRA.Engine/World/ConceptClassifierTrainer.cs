using System.Globalization;
using CMLoRA.Engine.Tensors;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CMLoRA.Engine.World;

/// <summary>
/// Trains a <see cref="ConceptClassifier"/> on pictures rendered on the fly (never on model outputs) with
/// augmentation. Batch k depends only on (seed, k), and checkpoints hold the weights, the Adam moments and the step,
/// so a run interrupted and resumed ends with the same weights as an uninterrupted one.
/// </summary>
public sealed class ConceptClassifierTrainer : IDisposable
{
    private const string CheckpointFormat = "cmlora-world-classifier-checkpoint/1";
    private readonly AdamState _adam;
    private float _averageLoss = float.NaN;

    /// <summary>A fresh run: weights initialised from <see cref="ClassifierTrainingSettings.Seed"/>.</summary>
    public ConceptClassifierTrainer(ClassifierTrainingSettings settings)
    {
        Settings = settings;
        Model = new ConceptClassifier();
        Model.Initialise(settings.Seed);
        _adam = new AdamState(Model.named_parameters());
    }

    public ClassifierTrainingSettings Settings { get; }

    public ConceptClassifier Model { get; }

    /// <summary>Steps done so far.</summary>
    public int Step { get; private set; }

    /// <summary>The step this run was resumed from (0 for a fresh run).</summary>
    public int ResumedFrom { get; private set; }

    /// <summary>The augmented pictures [B, 3, 64, 64] and labels [B, concepts] of batch <paramref name="step"/>.</summary>
    public (Tensor Images, Tensor Labels) Batch(int step)
    {
        long batchSeed = WorldRandom.Derive(Settings.Seed, step);
        var sampler = new SceneSampler(WorldRandom.Derive(batchSeed, 0));
        var scenes = Enumerable.Range(0, Settings.BatchSize)
            .Select(i => (sampler.NextMixed(Settings.NovelProbability), WorldRandom.Derive(batchSeed, i + 1)))
            .ToArray();
        using var clean = SceneRenderer.RenderBatch(scenes);
        return (ClassifierAugmenter.Apply(clean, WorldRandom.Derive(batchSeed, -1)), ConceptLabels.EncodeBatch(scenes.Select(s => s.Item1).ToArray()));
    }

    /// <summary>One Adam step on the given batch at learning rate <paramref name="lr"/>; returns the batch loss before the step.</summary>
    public float TrainOn(Tensor images, Tensor labels, float lr)
    {
        Model.train();
        Model.zero_grad();
        using (var scope = NewDisposeScope())
        {
            var loss = functional.binary_cross_entropy_with_logits(Model.forward(images), labels);
            loss.backward();
            _adam.Step(lr);
            return loss.item<float>();
        }
    }

    /// <summary>Trains up to <paramref name="count"/> more steps (never past <see cref="ClassifierTrainingSettings.Steps"/>), writing a checkpoint every <see cref="ClassifierTrainingSettings.CheckpointEvery"/> steps when <paramref name="checkpointPath"/> is given.</summary>
    public void Train(int count, string? checkpointPath = null, Action<ClassifierTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        int stop = Math.Min(Settings.Steps, Step + count);
        while (Step < stop)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                if (checkpointPath is not null) SaveCheckpoint(checkpointPath);
                cancellationToken.ThrowIfCancellationRequested();
            }
            var (images, labels) = Batch(Step);
            float loss;
            using (images)
            using (labels)
                loss = TrainOn(images, labels, Settings.LearningRateAt(Step));
            Step++;
            _averageLoss = float.IsNaN(_averageLoss) ? loss : 0.95f * _averageLoss + 0.05f * loss;
            progress?.Invoke(new ClassifierTrainingProgress(Step, Settings.Steps, loss, _averageLoss, ResumedFrom));
            if (checkpointPath is not null && (Step % Settings.CheckpointEvery == 0 || Step == Settings.Steps))
                SaveCheckpoint(checkpointPath);
        }
    }

    /// <summary>Header metadata describing the run, for the saved weights.</summary>
    public IReadOnlyDictionary<string, string> Metadata() => new Dictionary<string, string>
    {
        ["steps"] = Step.ToString(CultureInfo.InvariantCulture),
        ["batch_size"] = Settings.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["learning_rate"] = Settings.LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["seed"] = Settings.Seed.ToString(CultureInfo.InvariantCulture),
        ["novel_probability"] = Settings.NovelProbability.ToString("R", CultureInfo.InvariantCulture),
        ["final_average_loss"] = _averageLoss.ToString("F4", CultureInfo.InvariantCulture),
    };

    /// <summary>Writes weights, Adam moments and the step to <paramref name="path"/> (atomically).</summary>
    public void SaveCheckpoint(string path)
    {
        var metadata = new Dictionary<string, string>(Metadata())
        {
            ["format"] = CheckpointFormat,
            ["total_steps"] = Settings.Steps.ToString(CultureInfo.InvariantCulture),
            ["adam_updates"] = _adam.Updates.ToString(CultureInfo.InvariantCulture),
            ["average_loss"] = _averageLoss.ToString("R", CultureInfo.InvariantCulture),
        };
        var tensors = Model.named_parameters().Select(p => new KeyValuePair<string, Tensor>("model." + p.name, p.parameter)).Concat(_adam.Tensors());
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder) Directory.CreateDirectory(folder);
        SafetensorsWriter.Write(path, tensors, metadata);
    }

    /// <summary>Continues the run saved in <paramref name="path"/>; the settings must be the ones it was started with.</summary>
    public static ConceptClassifierTrainer Resume(string path, ClassifierTrainingSettings settings)
    {
        using var file = SafetensorsFile.Open(path);
        var meta = file.Metadata;
        if (!meta.TryGetValue("format", out var format) || format != CheckpointFormat)
            throw new InvalidDataException($"{Path.GetFileName(path)} is not a classifier training checkpoint.");
        var saved = new ClassifierTrainingSettings(
            int.Parse(meta["total_steps"], CultureInfo.InvariantCulture), int.Parse(meta["batch_size"], CultureInfo.InvariantCulture),
            float.Parse(meta["learning_rate"], CultureInfo.InvariantCulture), long.Parse(meta["seed"], CultureInfo.InvariantCulture),
            settings.CheckpointEvery, double.Parse(meta["novel_probability"], CultureInfo.InvariantCulture));
        if (saved != settings)
            throw new InvalidOperationException($"The checkpoint {Path.GetFileName(path)} was made with {saved}, not {settings}; use the same settings or start afresh.");

        var trainer = new ConceptClassifierTrainer(settings);
        using (no_grad())
            foreach (var (name, parameter) in trainer.Model.named_parameters())
                file.ReadInto("model." + name, parameter);
        trainer._adam.Restore((name, destination) =>
        {
            if (!file.Contains(name)) return false;
            file.ReadInto(name, destination);
            return true;
        });
        trainer._adam.Updates = long.Parse(meta["adam_updates"], CultureInfo.InvariantCulture);
        trainer.Step = trainer.ResumedFrom = int.Parse(meta["steps"], CultureInfo.InvariantCulture);
        trainer._averageLoss = float.Parse(meta["average_loss"], CultureInfo.InvariantCulture);
        return trainer;
    }

    public void Dispose()
    {
        _adam.Dispose();
        Model.Dispose();
    }
}

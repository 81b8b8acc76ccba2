using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// The step loop every trainer shares: AdamW (<see cref="AdamWOptimizer"/>) with the learning-rate schedule and gradient clipping,
/// a checkpoint every N steps, at the end and on cancellation, the loss history and its plot, and progress reports.
/// Opening a run folder that holds a checkpoint restores the modules, the optimizer and the history, so the next
/// step is the one the interrupted session would have run.
/// </summary>
public sealed class TrainingLoop : IDisposable
{
    /// <summary>Steps averaged into <see cref="TrainingResult.FinalLoss"/>.</summary>
    public const int FinalLossWindow = 100;

    private readonly RunFolder _run;
    private readonly ITrainingObjective _objective;
    private readonly TrainingLoopSettings _settings;
    private readonly AdamWOptimizer _optimizer;
    private readonly LossLog _log;
    private readonly double _previousSeconds;

    /// <summary>Creates the optimizer and, when <paramref name="run"/> holds a checkpoint, restores it.</summary>
    public TrainingLoop(RunFolder run, ITrainingObjective objective, TrainingLoopSettings settings)
    {
        _run = run;
        _objective = objective;
        _settings = settings;
        _optimizer = new AdamWOptimizer(objective.Parameters, settings.Rate.BaseRate, weightDecay: settings.WeightDecay);
        if (run.LatestCheckpoint() is var (step, folder))
        {
            var state = TrainingCheckpoint.ReadState(folder);
            if (state.Kind != objective.Kind)
                throw new InvalidOperationException($"{run.Path} holds a '{state.Kind}' run, not a '{objective.Kind}' run");
            TrainingCheckpoint.LoadModules(folder, objective.CheckpointModules);
            TrainingCheckpoint.LoadOptimizer(folder, _optimizer);
            StartStep = step;
            _previousSeconds = state.Seconds;
            _log = LossLog.Read(run.LossesPath, step);
        }
        else
        {
            _log = new LossLog();
        }
    }

    /// <summary>Completed steps before this session (the checkpoint it resumed from).</summary>
    public long StartStep { get; }

    /// <summary>The loss history including earlier sessions.</summary>
    public LossLog Log => _log;

    /// <summary>Runs the remaining steps. Cancellation stops before the next step, after saving a checkpoint.</summary>
    public TrainingResult Run(Action<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        long step = StartStep, lastSaved = StartStep;
        bool cancelled = false;
        float smoothed = float.NaN;
        for (; step < _settings.Steps; step++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                cancelled = true;
                break;
            }
            double rate = _settings.Rate.At(step);
            _optimizer.LearningRate = rate;
            float loss = TrainStep(step);
            _log.Add(step + 1, loss, rate);
            smoothed = float.IsNaN(smoothed) ? loss : 0.98f * smoothed + 0.02f * loss;
            bool save = (step + 1) % _settings.CheckpointEvery == 0 && step + 1 < _settings.Steps;
            if (save)
            {
                Save(step + 1, clock.Elapsed.TotalSeconds);
                lastSaved = step + 1;
            }
            double rateOfSteps = (step + 1 - StartStep) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            progress?.Invoke(new TrainingProgress(step + 1, _settings.Steps, loss, smoothed, rate, rateOfSteps, clock.Elapsed, save)
            {
                RecomputedSteps = RecomputedSteps,
            });
        }
        if (step != lastSaved || !_run.LatestCheckpoint().HasValue) Save(step, clock.Elapsed.TotalSeconds);
        double session = clock.Elapsed.TotalSeconds;
        return new TrainingResult(StartStep, step, _settings.Steps, _log.RecentMean(FinalLossWindow), cancelled, session, _previousSeconds + session)
        {
            RecomputedSteps = RecomputedSteps,
        };
    }

    /// <summary>Steps of this session whose loss or gradients came out non-finite and were computed again.</summary>
    public int RecomputedSteps { get; private set; }

    /// <summary>
    /// Forward, backward, clipping and the AdamW update of one step. With libtorch 2.10 on this CPU the convolution
    /// backward occasionally returns NaN for finite inputs (about one call in a few hundred; the same call repeated gives
    /// finite, identical values), which would poison every weight through the next update. A step whose loss or
    /// gradient norm is not finite is therefore computed again from scratch (same draws, so the result is the one an
    /// unaffected run gets) before anything is updated.
    /// </summary>
    private float TrainStep(long step)
    {
        for (int attempt = 0; ; attempt++)
        {
            _optimizer.ZeroGrad();
            using (GcQuietSection.Enter())
            using (NewDisposeScope())
            {
                float loss;
                using (var value = _objective.Loss(step))
                {
                    value.backward();
                    loss = value.item<float>();
                }
                double norm = _optimizer.GradientNorm();
                if (float.IsFinite(loss) && double.IsFinite(norm))
                {
                    if (_settings.MaxGradNorm > 0) _optimizer.ScaleGradients(Math.Min(1.0, _settings.MaxGradNorm / (norm + 1e-6)));
                    _optimizer.Step();
                    return loss;
                }
                if (attempt == MaxRecomputations)
                    throw new InvalidOperationException(
                        $"step {step + 1} gave a non-finite loss ({loss}) or gradient norm ({norm}) {MaxRecomputations + 1} times; " +
                        "lower the learning rate or resume from the last checkpoint");
            }
            RecomputedSteps++;
        }
    }

    /// <summary>The loss of the draws of step <paramref name="draw"/> without training (for comparisons before and after).</summary>
    public float EvaluateLoss(long draw)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return _objective.Loss(draw).item<float>();
    }

    /// <summary>How often one step is computed again before the run gives up.</summary>
    public const int MaxRecomputations = 3;

    private void Save(long step, double sessionSeconds)
    {
        var state = new CheckpointState(_objective.Kind, step, _settings.Steps, _settings.Seed, _previousSeconds + sessionSeconds,
            _log.RecentMean(FinalLossWindow), DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture));
        TrainingCheckpoint.Save(_run, state, _objective.CheckpointModules, _optimizer, _settings.KeepCheckpoints);
        _log.Write(_run.LossesPath);
        LossPlot.Write(_log, _run.PlotPath, _settings.PlotTitle);
    }

    public void Dispose() => _optimizer.Dispose();
}

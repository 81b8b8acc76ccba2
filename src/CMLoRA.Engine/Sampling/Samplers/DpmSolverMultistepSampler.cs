using TorchSharp;
using CMLoRA.Engine.Sampling.Schedules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Sampling.Samplers;

/// <summary>
/// DPM-Solver++ 2M: diffusers' <c>DPMSolverMultistepScheduler</c> with algorithm dpmsolver++, midpoint, order 2
/// (or 1), lower-order final and <c>final_sigmas_type</c>, step for step (CMLoRA spec §1.2). The first step and,
/// below 15 steps or with a zero final sigma, the last step are first order; the others use the previous x̂₀.
/// <c>scale_model_input</c> is the identity and no noise is drawn.
/// </summary>
public sealed class DpmSolverMultistepSampler : SamplerBase
{
    private Tensor? _previousX0;
    private int _lowerOrderCount;
    private int _nextStep;

    /// <summary>Validates the DPM-Solver options of <paramref name="config"/>.</summary>
    public DpmSolverMultistepSampler(SchedulerConfig config) : base(SamplerKind.DpmPlusPlus2M, config)
    {
        if (Config.AlgorithmType != "dpmsolver++")
            throw new NotSupportedException($"algorithm_type '{Config.AlgorithmType}' is not supported: only dpmsolver++ (DPM-Solver++ 2M).");
        if (Config.SolverType != "midpoint")
            throw new NotSupportedException($"solver_type '{Config.SolverType}' is not supported: only midpoint.");
        if (Config.SolverOrder is not (1 or 2))
            throw new NotSupportedException($"solver_order {Config.SolverOrder} is not supported: use 1 or 2.");
        if (Config.UseLuLambdas)
            throw new NotSupportedException("use_lu_lambdas = true is not supported.");
        if (Config.VarianceType is not null)
            throw new NotSupportedException($"variance_type '{Config.VarianceType}' is not supported: only fixed variance (null).");
    }

    /// <inheritdoc/>
    protected override SamplerPlan CreatePlan(int steps)
    {
        int trainSteps = Schedule.NumTrainTimesteps;
        int lastTimestep = trainSteps - Schedule.CountClippedByLambda(Config.LambdaMinClipped);
        double[] timesteps = TimestepSelection.ForDpmSolver(Spacing, steps, trainSteps, lastTimestep, Config.StepsOffset);
        double[] sigmas;
        if (Config.UseKarrasSigmas)
        {
            // Karras over the whole training range; the timesteps are then re-derived from the sigmas.
            sigmas = KarrasSigmas.Create(Schedule.Sigmas[0], Schedule.Sigmas[trainSteps - 1], steps);
            timesteps = sigmas.Select(s => NumpyCompat.Round(KarrasSigmas.SigmaToTimestep(s, Schedule.LogSigmas))).ToArray();
        }
        else
        {
            sigmas = timesteps.Select(Schedule.InterpolateSigma).ToArray();
        }
        double final = Config.FinalSigmasType == FinalSigmasType.Zero ? 0 : Schedule.Sigmas[0];
        return new SamplerPlan(Kind, timesteps, WithFinalSigma(sigmas, final), InitNoiseSigma: 1f, IntegerTimesteps: true);
    }

    /// <inheritdoc/>
    public override Tensor ScaleModelInput(Tensor latents, int stepIndex)
    {
        CheckIndex(stepIndex);
        return latents.alias();
    }

    /// <inheritdoc/>
    protected override Tensor StepFloat32(Tensor modelOutput, int stepIndex, Tensor sample, torch.Generator? rng)
    {
        if (stepIndex != _nextStep)
            throw new InvalidOperationException(
                $"DPM-Solver++ is multistep: expected step {_nextStep}, got {stepIndex}. Call Prepare to start again.");
        var plan = Plan;
        var sigmas = plan.Sigmas!;
        int steps = plan.Steps;
        var x0 = DpmSolverPlusPlus.DataPrediction(modelOutput, sample, sigmas[stepIndex], Config.PredictionType);
        try
        {
            bool lowerOrderFinal = stepIndex == steps - 1 &&
                (Config.EulerAtFinal || (Config.LowerOrderFinal && steps < 15) || Config.FinalSigmasType == FinalSigmasType.Zero);
            var next = Config.SolverOrder == 1 || _lowerOrderCount < 1 || lowerOrderFinal
                ? DpmSolverPlusPlus.FirstOrderUpdate(sample, x0, sigmas[stepIndex], sigmas[stepIndex + 1])
                : DpmSolverPlusPlus.SecondOrderMidpointUpdate(sample, x0, _previousX0!, sigmas[stepIndex - 1], sigmas[stepIndex], sigmas[stepIndex + 1]);
            _previousX0?.Dispose();
            // The previous x̂₀ outlives the caller's per-step dispose scope.
            _previousX0 = x0.DetachFromDisposeScope();
            if (_lowerOrderCount < Config.SolverOrder) _lowerOrderCount++;
            _nextStep++;
            return next;
        }
        catch
        {
            x0.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override void ResetState()
    {
        _previousX0?.Dispose();
        _previousX0 = null;
        _lowerOrderCount = 0;
        _nextStep = 0;
    }
}

using TorchSharp;
using CMLoRA.Engine.Sampling.Schedules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Sampling.Samplers;

/// <summary>
/// Shared plumbing of the samplers: the training schedule, the current plan, index checks, and float32 compute
/// (latents in another dtype are upcast for the step and cast back, as diffusers does).
/// </summary>
public abstract class SamplerBase : ISampler
{
    private SamplerPlan? _plan;

    /// <summary>Resolves and validates <paramref name="config"/> for <paramref name="kind"/>.</summary>
    protected SamplerBase(SamplerKind kind, SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Kind = kind;
        Config = config.ResolveFor(kind);
        if (Config.Thresholding)
            throw new NotSupportedException("thresholding = true (dynamic thresholding) is not supported.");
        Schedule = NoiseSchedule.FromConfig(Config);
    }

    /// <inheritdoc/>
    public SamplerKind Kind { get; }

    /// <inheritdoc/>
    public SchedulerConfig Config { get; }

    /// <summary>The training schedule.</summary>
    public NoiseSchedule Schedule { get; }

    /// <inheritdoc/>
    public SamplerPlan Plan => _plan ?? throw new InvalidOperationException($"{GetType().Name}: call Prepare(steps) before sampling.");

    /// <inheritdoc/>
    public float InitNoiseSigma => Plan.InitNoiseSigma;

    /// <summary>The effective timestep spacing.</summary>
    protected TimestepSpacing Spacing => Config.TimestepSpacing ?? TimestepSpacing.Linspace;

    /// <inheritdoc/>
    public SamplerPlan Prepare(int steps)
    {
        ResetState();
        _plan = CreatePlan(steps);
        return _plan;
    }

    /// <inheritdoc/>
    public abstract Tensor ScaleModelInput(Tensor latents, int stepIndex);

    /// <inheritdoc/>
    public Tensor Step(Tensor modelOutput, int stepIndex, Tensor latents, torch.Generator? rng = null)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(latents);
        CheckIndex(stepIndex);
        using var sample = latents.dtype == ScalarType.Float32 ? latents.alias() : latents.to_type(ScalarType.Float32);
        using var output = modelOutput.dtype == ScalarType.Float32 ? modelOutput.alias() : modelOutput.to_type(ScalarType.Float32);
        var next = StepFloat32(output, stepIndex, sample, rng);
        if (latents.dtype == ScalarType.Float32) return next;
        using (next) return next.to_type(latents.dtype);
    }

    /// <summary>The plan for <paramref name="steps"/> steps.</summary>
    protected abstract SamplerPlan CreatePlan(int steps);

    /// <summary>One step in float32; inputs belong to the caller.</summary>
    protected abstract Tensor StepFloat32(Tensor modelOutput, int stepIndex, Tensor sample, torch.Generator? rng);

    /// <summary>Forgets multistep state.</summary>
    protected virtual void ResetState() { }

    /// <summary>Throws unless <paramref name="stepIndex"/> is a step of the current plan.</summary>
    protected void CheckIndex(int stepIndex)
    {
        if (stepIndex < 0 || stepIndex >= Plan.Steps)
            throw new ArgumentOutOfRangeException(nameof(stepIndex), stepIndex, $"the plan has {Plan.Steps} steps.");
    }

    /// <summary>Diffusers' sigma schedules end in σ = 0; this appends it and converts to float32.</summary>
    protected static float[] WithFinalSigma(IEnumerable<double> sigmas, double final) =>
        sigmas.Append(final).Select(s => (float)s).ToArray();

    /// <inheritdoc/>
    public void Dispose()
    {
        ResetState();
        GC.SuppressFinalize(this);
    }
}

namespace CMLoRA.Engine.Sampling;

/// <summary>
/// A diffusers scheduler configuration (<c>scheduler/scheduler_config.json</c>): the training noise schedule plus
/// the options of the sampler that reads it. Keys whose default differs between diffusers scheduler classes are
/// nullable here (null = absent from the file) and each sampler fills them with its own class's default
/// (<see cref="ResolveFor"/>), as diffusers' <c>from_config</c> does.
/// </summary>
public sealed record SchedulerConfig
{
    /// <summary>The SD 1.5 <c>scheduler_config.json</c> (PNDMScheduler's file; no <c>timestep_spacing</c> key).</summary>
    public static SchedulerConfig StableDiffusion15 { get; } = new()
    {
        ClassName = "PNDMScheduler",
        NumTrainTimesteps = 1000,
        BetaStart = 0.00085,
        BetaEnd = 0.012,
        BetaSchedule = BetaSchedule.ScaledLinear,
        StepsOffset = 1,
        ClipSample = false,
        SetAlphaToOne = false,
    };

    /// <summary><c>_class_name</c> (or <c>scheduler_class</c> of a reference-run file); informational.</summary>
    public string? ClassName { get; init; }

    /// <summary><c>num_train_timesteps</c>.</summary>
    public int NumTrainTimesteps { get; init; } = 1000;

    /// <summary><c>beta_start</c>.</summary>
    public double BetaStart { get; init; } = 0.0001;

    /// <summary><c>beta_end</c>.</summary>
    public double BetaEnd { get; init; } = 0.02;

    /// <summary><c>beta_schedule</c>.</summary>
    public BetaSchedule BetaSchedule { get; init; } = BetaSchedule.Linear;

    /// <summary><c>trained_betas</c>: explicit betas that replace the schedule when present.</summary>
    public IReadOnlyList<float>? TrainedBetas { get; init; }

    /// <summary><c>steps_offset</c>: added to "leading" timesteps.</summary>
    public int StepsOffset { get; init; }

    /// <summary><c>timestep_spacing</c>; null = the sampler class's default (DDIM: leading, others: linspace).</summary>
    public TimestepSpacing? TimestepSpacing { get; init; }

    /// <summary><c>prediction_type</c>.</summary>
    public PredictionType PredictionType { get; init; } = PredictionType.Epsilon;

    /// <summary><c>use_karras_sigmas</c> (DPM-Solver, Euler).</summary>
    public bool UseKarrasSigmas { get; init; }

    /// <summary><c>clip_sample</c> (DDIM); null = DDIM's default, true.</summary>
    public bool? ClipSample { get; init; }

    /// <summary><c>clip_sample_range</c> (DDIM).</summary>
    public double ClipSampleRange { get; init; } = 1.0;

    /// <summary><c>set_alpha_to_one</c> (DDIM); null = DDIM's default, true.</summary>
    public bool? SetAlphaToOne { get; init; }

    /// <summary><c>thresholding</c> (dynamic thresholding); not supported when true.</summary>
    public bool Thresholding { get; init; }

    /// <summary><c>rescale_betas_zero_snr</c>; not supported when true.</summary>
    public bool RescaleBetasZeroSnr { get; init; }

    /// <summary><c>algorithm_type</c> (DPM-Solver): only "dpmsolver++" is supported.</summary>
    public string AlgorithmType { get; init; } = "dpmsolver++";

    /// <summary><c>solver_order</c> (DPM-Solver): 1 or 2.</summary>
    public int SolverOrder { get; init; } = 2;

    /// <summary><c>solver_type</c> (DPM-Solver): only "midpoint" is supported.</summary>
    public string SolverType { get; init; } = "midpoint";

    /// <summary><c>lower_order_final</c> (DPM-Solver): first-order last step below 15 steps.</summary>
    public bool LowerOrderFinal { get; init; } = true;

    /// <summary><c>euler_at_final</c> (DPM-Solver): always first-order last step.</summary>
    public bool EulerAtFinal { get; init; }

    /// <summary><c>final_sigmas_type</c> (DPM-Solver).</summary>
    public FinalSigmasType FinalSigmasType { get; init; } = FinalSigmasType.Zero;

    /// <summary><c>lambda_min_clipped</c> (DPM-Solver): timesteps whose log-SNR is below it are not used.</summary>
    public double LambdaMinClipped { get; init; } = double.NegativeInfinity;

    /// <summary><c>use_lu_lambdas</c> (DPM-Solver); not supported when true.</summary>
    public bool UseLuLambdas { get; init; }

    /// <summary><c>variance_type</c> (DPM-Solver); only null (fixed variance) is supported.</summary>
    public string? VarianceType { get; init; }

    /// <summary><c>interpolation_type</c> (Euler): only "linear" is supported.</summary>
    public string InterpolationType { get; init; } = "linear";

    /// <summary><c>timestep_type</c> (Euler): only "discrete" is supported.</summary>
    public string TimestepType { get; init; } = "discrete";

    /// <summary><c>sigma_min</c> (Euler Karras override).</summary>
    public double? SigmaMin { get; init; }

    /// <summary><c>sigma_max</c> (Euler Karras override).</summary>
    public double? SigmaMax { get; init; }

    /// <summary>Parses a <c>scheduler_config.json</c>, or a reference-run file holding <c>effective_scheduler_config</c>.</summary>
    public static SchedulerConfig Parse(string json) => SchedulerConfigReader.Parse(json);

    /// <summary>Reads and parses a file; see <see cref="Parse"/>.</summary>
    public static SchedulerConfig Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (FormatException e)
        {
            throw new FormatException($"{Path.GetFileName(path)}: {e.Message}", e);
        }
    }

    /// <summary>Fills the class-dependent keys with the defaults of the diffusers class behind <paramref name="kind"/>.</summary>
    public SchedulerConfig ResolveFor(SamplerKind kind) => this with
    {
        TimestepSpacing = TimestepSpacing ?? (kind == SamplerKind.Ddim ? Sampling.TimestepSpacing.Leading : Sampling.TimestepSpacing.Linspace),
        ClipSample = ClipSample ?? kind == SamplerKind.Ddim,
        SetAlphaToOne = SetAlphaToOne ?? kind == SamplerKind.Ddim,
    };
}

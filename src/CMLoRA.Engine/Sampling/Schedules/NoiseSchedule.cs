namespace CMLoRA.Engine.Sampling.Schedules;

/// <summary>
/// The training noise schedule of a DDPM-style model (Ho et al., 2020): betas, ᾱ_t = Π(1 − β), and the
/// variance-exploding view σ_t = √((1 − ᾱ_t)/ᾱ_t) used by the k-diffusion samplers (Karras et al., 2022).
/// Everything is float32 computed exactly as the reference (diffusers on PyTorch CPU) computes it.
/// </summary>
public sealed class NoiseSchedule
{
    private readonly float[] _betas;
    private readonly float[] _alphasCumprod;
    private readonly float[] _sigmas;
    private readonly float[] _logSigmas;

    private NoiseSchedule(float[] betas)
    {
        _betas = betas;
        var alphas = new float[betas.Length];
        for (int i = 0; i < betas.Length; i++) alphas[i] = 1f - betas[i];
        _alphasCumprod = TorchCompat.CumprodFloat32(alphas);
        _sigmas = new float[betas.Length];
        _logSigmas = new float[betas.Length];
        for (int i = 0; i < betas.Length; i++)
        {
            float a = _alphasCumprod[i];
            _sigmas[i] = MathF.Sqrt((1f - a) / a);
            _logSigmas[i] = MathF.Log(_sigmas[i]);
        }
    }

    /// <summary>Number of training timesteps T.</summary>
    public int NumTrainTimesteps => _betas.Length;

    /// <summary>β_t for t = 0..T−1.</summary>
    public IReadOnlyList<float> Betas => _betas;

    /// <summary>ᾱ_t for t = 0..T−1.</summary>
    public IReadOnlyList<float> AlphasCumprod => _alphasCumprod;

    /// <summary>σ_t = √((1 − ᾱ_t)/ᾱ_t) for t = 0..T−1 (increasing in t).</summary>
    public IReadOnlyList<float> Sigmas => _sigmas;

    /// <summary>ln σ_t in float32 (numpy's <c>np.log</c> of the float32 sigmas), for sigma → timestep lookups.</summary>
    public IReadOnlyList<float> LogSigmas => _logSigmas;

    /// <summary>Builds the schedule of <paramref name="config"/>; refuses options it does not implement.</summary>
    public static NoiseSchedule FromConfig(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.RescaleBetasZeroSnr)
            throw new NotSupportedException("rescale_betas_zero_snr = true is not supported.");
        if (config.TrainedBetas is { } trained)
        {
            if (trained.Count == 0) throw new FormatException("trained_betas is empty.");
            return new NoiseSchedule(trained.ToArray());
        }
        if (config.NumTrainTimesteps < 2)
            throw new FormatException($"num_train_timesteps must be at least 2 (got {config.NumTrainTimesteps}).");
        float[] betas;
        if (config.BetaSchedule == BetaSchedule.Linear)
        {
            betas = TorchCompat.LinspaceFloat32(config.BetaStart, config.BetaEnd, config.NumTrainTimesteps);
        }
        else
        {
            // scaled_linear: linear in √β, then squared (float32 product, as tensor ** 2 computes it).
            betas = TorchCompat.LinspaceFloat32(Math.Pow(config.BetaStart, 0.5), Math.Pow(config.BetaEnd, 0.5), config.NumTrainTimesteps);
            for (int i = 0; i < betas.Length; i++) betas[i] *= betas[i];
        }
        return new NoiseSchedule(betas);
    }

    /// <summary>σ at a possibly fractional timestep by linear interpolation (numpy <c>interp</c>), in float64.</summary>
    public double InterpolateSigma(double timestep) => NumpyCompat.InterpOnIndexGrid(timestep, _sigmas);

    /// <summary>
    /// The DPM-Solver log-SNR λ_t = ln √ᾱ_t − ln √(1 − ᾱ_t) in float32, used to clip timesteps whose λ is below
    /// <c>lambda_min_clipped</c>; returns how many training timesteps that clips from the top (torch.searchsorted).
    /// </summary>
    public int CountClippedByLambda(double lambdaMinClipped)
    {
        if (double.IsNegativeInfinity(lambdaMinClipped)) return 0;
        int count = 0;
        for (int t = _alphasCumprod.Length - 1; t >= 0; t--)
        {
            float a = _alphasCumprod[t];
            float lambda = MathF.Log(MathF.Sqrt(a)) - MathF.Log(MathF.Sqrt(1f - a));
            if (lambda < lambdaMinClipped) count++;
            else break;
        }
        return count;
    }
}

namespace CMLoRA.Engine.Sampling.Schedules;

/// <summary>
/// The noise levels of Karras et al., "Elucidating the Design Space of Diffusion-Based Generative Models" (2022),
/// eq. 5: σ_i = (σ_max^{1/ρ} + i/(n−1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ with ρ = 7, and the log-linear lookup that
/// turns a σ back into a (fractional) training timestep, both as diffusers computes them.
/// </summary>
public static class KarrasSigmas
{
    /// <summary>The ρ of the paper.</summary>
    public const double Rho = 7.0;

    /// <summary>n sigmas from <paramref name="sigmaMax"/> down to <paramref name="sigmaMin"/>, in float64.</summary>
    public static double[] Create(double sigmaMin, double sigmaMax, int n, double rho = Rho)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "at least one sigma");
        var ramp = NumpyCompat.Linspace(0, 1, n);
        double minInvRho = Math.Pow(sigmaMin, 1 / rho);
        double maxInvRho = Math.Pow(sigmaMax, 1 / rho);
        var sigmas = new double[n];
        for (int i = 0; i < n; i++) sigmas[i] = Math.Pow(maxInvRho + ramp[i] * (minInvRho - maxInvRho), rho);
        return sigmas;
    }

    /// <summary>
    /// The fractional timestep whose σ equals <paramref name="sigma"/>, interpolating linearly in ln σ between the
    /// two neighbouring training timesteps (diffusers <c>_sigma_to_t</c>; numpy 1.x keeps the arithmetic in float32
    /// because the table is float32).
    /// </summary>
    public static double SigmaToTimestep(double sigma, IReadOnlyList<float> logSigmas)
    {
        int n = logSigmas.Count;
        float logSigma = (float)Math.Log(Math.Max(sigma, 1e-10));
        int low = 0;
        for (int i = 0; i < n; i++)
            if (logSigma - logSigmas[i] >= 0) low = i; // last index whose ln σ is not above the target
        low = Math.Min(low, n - 2);
        int high = low + 1;
        float lowLog = logSigmas[low], highLog = logSigmas[high];
        float w = (lowLog - logSigma) / (lowLog - highLog);
        w = Math.Clamp(w, 0f, 1f);
        return (double)(1f - w) * low + (double)w * high;
    }
}

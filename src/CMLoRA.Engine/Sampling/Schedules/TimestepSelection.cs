namespace CMLoRA.Engine.Sampling.Schedules;

/// <summary>
/// Picks inference timesteps from the training range, following Table 2 of Lin et al., "Common Diffusion Noise
/// Schedules and Sample Steps are Flawed" (2023), with diffusers' exact arithmetic (numpy float64, half-to-even
/// rounding). DPM-Solver spaces <c>steps + 1</c> points and drops the last; DDIM and Euler space <c>steps</c>.
/// </summary>
public static class TimestepSelection
{
    /// <summary>
    /// DPM-Solver's timesteps (<c>DPMSolverMultistepScheduler.set_timesteps</c>), descending integers.
    /// <paramref name="lastTimestep"/> is T minus the timesteps clipped by <c>lambda_min_clipped</c>.
    /// </summary>
    public static double[] ForDpmSolver(TimestepSpacing spacing, int steps, int numTrainTimesteps, int lastTimestep, int stepsOffset)
    {
        CheckSteps(steps, numTrainTimesteps);
        double[] t;
        switch (spacing)
        {
            case TimestepSpacing.Linspace:
                t = ReverseDropLast(Rounded(NumpyCompat.Linspace(0, lastTimestep - 1, steps + 1)));
                break;
            case TimestepSpacing.Leading:
                int ratio = lastTimestep / (steps + 1);
                t = ReverseDropLast(Enumerable.Range(0, steps + 1).Select(i => (double)i * ratio).ToArray());
                for (int i = 0; i < t.Length; i++) t[i] += stepsOffset;
                break;
            default:
                t = Trailing(lastTimestep, (double)numTrainTimesteps / steps);
                break;
        }
        return t;
    }

    /// <summary>
    /// DDIM's and Euler's timesteps (<c>DDIMScheduler</c> / <c>EulerDiscreteScheduler.set_timesteps</c>), descending.
    /// With linspace spacing DDIM rounds to integers (<paramref name="roundLinspace"/>) and Euler keeps the float32
    /// fractions; leading and trailing are integers for both.
    /// </summary>
    public static double[] ForDiscrete(TimestepSpacing spacing, int steps, int numTrainTimesteps, int stepsOffset, bool roundLinspace)
    {
        CheckSteps(steps, numTrainTimesteps);
        double[] t;
        switch (spacing)
        {
            case TimestepSpacing.Linspace:
                t = NumpyCompat.Linspace(0, numTrainTimesteps - 1, steps);
                t = roundLinspace ? Rounded(t) : t.Select(v => (double)(float)v).ToArray();
                Array.Reverse(t);
                break;
            case TimestepSpacing.Leading:
                int ratio = numTrainTimesteps / steps;
                t = Enumerable.Range(0, steps).Select(i => (double)i * ratio + stepsOffset).Reverse().ToArray();
                break;
            default:
                t = Trailing(numTrainTimesteps, (double)numTrainTimesteps / steps);
                break;
        }
        return t;
    }

    // np.arange(start, 0, -ratio).round() - 1
    private static double[] Trailing(int start, double ratio)
    {
        var t = Rounded(NumpyCompat.Arange(start, 0, -ratio));
        for (int i = 0; i < t.Length; i++) t[i] -= 1;
        return t;
    }

    private static double[] Rounded(double[] values)
    {
        for (int i = 0; i < values.Length; i++) values[i] = NumpyCompat.Round(values[i]);
        return values;
    }

    private static double[] ReverseDropLast(double[] ascending)
    {
        Array.Reverse(ascending);
        return ascending[..^1];
    }

    private static void CheckSteps(int steps, int numTrainTimesteps)
    {
        if (steps < 1 || steps > numTrainTimesteps)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"steps must be between 1 and num_train_timesteps ({numTrainTimesteps}).");
    }
}

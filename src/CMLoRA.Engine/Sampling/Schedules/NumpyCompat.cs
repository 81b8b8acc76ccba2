namespace CMLoRA.Engine.Sampling.Schedules;

/// <summary>
/// The numpy routines diffusers' <c>set_timesteps</c> uses, reproduced operation for operation in float64 so that
/// timesteps (after half-to-even rounding) and interpolated sigmas come out identical.
/// </summary>
internal static class NumpyCompat
{
    /// <summary><c>np.linspace(start, stop, num)</c>: <c>i·step + start</c> with <c>step = (stop−start)/(num−1)</c>, last = stop.</summary>
    public static double[] Linspace(double start, double stop, int num)
    {
        if (num < 0) throw new ArgumentOutOfRangeException(nameof(num));
        var y = new double[num];
        if (num == 0) return y;
        if (num == 1) { y[0] = start; return y; }
        int div = num - 1;
        double delta = stop - start;
        double step = delta / div;
        for (int i = 0; i < num; i++)
            y[i] = step == 0 ? i / (double)div * delta + start : i * step + start;
        y[num - 1] = stop;
        return y;
    }

    /// <summary>
    /// <c>np.arange(start, stop, step)</c> for floats: length <c>ceil((stop−start)/step)</c>; numpy fills element i ≥ 2
    /// as <c>start + i·(y1 − y0)</c>, where the effective step is the rounded difference of the first two elements.
    /// </summary>
    public static double[] Arange(double start, double stop, double step)
    {
        if (step == 0) throw new ArgumentException("step must not be zero", nameof(step));
        double length = Math.Ceiling((stop - start) / step);
        if (!(length > 0)) return [];
        var y = new double[(int)length];
        y[0] = start;
        if (y.Length > 1) y[1] = start + step;
        double delta = y.Length > 1 ? y[1] - y[0] : step;
        for (int i = 2; i < y.Length; i++) y[i] = start + i * delta;
        return y;
    }

    /// <summary><c>np.round</c>: half to even.</summary>
    public static double Round(double x) => Math.Round(x, MidpointRounding.ToEven);

    /// <summary><c>np.interp(x, np.arange(len(fp)), fp)</c> with float32 table values promoted to float64.</summary>
    public static double InterpOnIndexGrid(double x, IReadOnlyList<float> fp)
    {
        int n = fp.Count;
        if (double.IsNaN(x)) return double.NaN;
        if (x > n - 1) return fp[n - 1];
        if (x < 0) return fp[0];
        int j = (int)Math.Floor(x);
        if (j >= n - 1 || j == x) return fp[j];
        double slope = (double)fp[j + 1] - fp[j]; // divided by the grid spacing, 1
        double result = slope * (x - j) + fp[j];
        if (double.IsNaN(result))
        {
            result = slope * (x - (j + 1)) + fp[j + 1];
            if (double.IsNaN(result) && fp[j] == fp[j + 1]) result = fp[j];
        }
        return result;
    }
}

namespace CMLoRA.Engine.Sampling.Schedules;

/// <summary>
/// Reproduces, bit for bit, the float32 tensor arithmetic the reference (PyTorch 1.13 CPU, AVX2) uses to build the
/// training schedule, so that <c>alphas_cumprod</c> equals the reference exactly instead of to a few ulps.
/// </summary>
internal static class TorchCompat
{
    /// <summary>Floats per AVX2 register: the vectorised linspace kernel writes runs of this many values.</summary>
    private const int Lanes = 8;

    /// <summary>
    /// <c>torch.linspace(start, end, steps, dtype=float32)</c> on the CPU. The kernel computes a float32 step, takes
    /// the first half from <c>start + step·i</c> and the second from <c>end − step·(steps−1−i)</c> (both fused, one
    /// rounding), and in its vectorised loop (pairs of 8-lane registers) derives lanes 1..7 as <c>base + step·j</c>
    /// from the first lane of each register; the tail that does not fill a register pair is computed per element.
    /// This layout was confirmed against the reference's <c>alphas_cumprod</c> (all 1000 values equal).
    /// </summary>
    public static float[] LinspaceFloat32(double start, double end, int steps)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps));
        var y = new float[steps];
        if (steps == 0) return y;
        float s = (float)start, e = (float)end;
        if (steps == 1) { y[0] = s; return y; }
        float step = (e - s) / (steps - 1);
        int halfway = steps / 2;
        float At(int i) => i < halfway
            ? (float)(s + (double)step * i)
            : (float)(e - (double)step * (steps - 1 - i));
        int k = 0;
        for (; k <= steps - 2 * Lanes; k += 2 * Lanes)
        {
            for (int r = k; r < k + 2 * Lanes; r += Lanes)
            {
                float first = At(r);
                y[r] = first;
                for (int j = 1; j < Lanes; j++) y[r + j] = (float)(first + (double)step * j);
            }
        }
        for (; k < steps; k++) y[k] = At(k);
        return y;
    }

    /// <summary><c>torch.cumprod</c> of a float32 tensor on the CPU: the running product is kept in float64.</summary>
    public static float[] CumprodFloat32(IReadOnlyList<float> values)
    {
        var result = new float[values.Count];
        double product = 1.0;
        for (int i = 0; i < values.Count; i++)
        {
            product *= values[i];
            result[i] = (float)product;
        }
        return result;
    }
}

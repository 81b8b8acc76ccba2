// Implements the refresh-step sets S of spec 4.3 (uniform, the "interval 0" piecewise set, and DeepCache's
// sample_from_quad_center) and the max-age guarantee of the CMLoRA issue (spec 9.4/9.5 motivate it).
namespace CMLoRA.Engine.Composition.Schedules;

/// <summary>
/// Pure helpers that build sets of refresh steps: the steps at which a feature cache is recomputed with a full UNet
/// pass. Every set is sorted, duplicate-free, starts at step 0 (no cache exists before it) and lies in [0, steps).
/// </summary>
public static class RefreshSchedule
{
    /// <summary>Step by which <see cref="QuadraticCentred"/> lowers the power when the count does not fit (as DeepCache).</summary>
    public const double PowerDecrement = 0.02;

    /// <summary>Every <paramref name="interval"/> steps: {0, c, 2c, …} below <paramref name="steps"/>.</summary>
    public static IReadOnlyList<int> Uniform(int steps, int interval)
    {
        CheckSteps(steps);
        if (interval < 1)
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "A refresh interval must be at least 1 step.");
        var result = new List<int>(steps / interval + 1);
        for (int i = 0; i < steps; i += interval) result.Add(i);
        return result;
    }

    /// <summary>
    /// The reference's "interval 0" set (spec 4.3): every 2 steps in [0, ⌊0.375T⌋), every 3 in [⌊0.375T⌋, ⌊0.875T⌋),
    /// every 2 in [⌊0.875T⌋, T). Each range starts at its own lower bound, as Python's <c>range</c> does.
    /// </summary>
    public static IReadOnlyList<int> Piecewise(int steps)
    {
        CheckSteps(steps);
        int first = (int)(0.375 * steps);  // Python int() truncation; 0.375 and 0.875 are exact in binary
        int second = (int)(0.875 * steps);
        var result = new SortedSet<int> { 0 };
        for (int i = 0; i < first; i += 2) result.Add(i);
        for (int i = first; i < second; i += 3) result.Add(i);
        for (int i = second; i < steps; i += 2) result.Add(i);
        return result.ToList();
    }

    /// <summary>Number of refresh steps the reference asks of the quadratic set for a nominal interval: ⌈T/c⌉.</summary>
    public static int QuadraticCount(int steps, int interval)
    {
        CheckSteps(steps);
        if (interval < 1)
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "A refresh interval must be at least 1 step.");
        return (steps + interval - 1) / interval;
    }

    /// <summary>
    /// DeepCache's non-uniform set (spec 4.3, <c>sample_from_quad_center</c>): <paramref name="count"/> steps, dense near
    /// <paramref name="center"/> and sparse far from it. Points are spaced linearly between the principal complex roots
    /// (−center)^(1/p) and (T−center)^(1/p), raised back to the power p, truncated toward zero (real part), made unique,
    /// stripped of their extremes and shifted by the centre; step 0 is prepended. If that does not give exactly
    /// <paramref name="count"/> steps, p is lowered by <see cref="PowerDecrement"/> and the search repeats while p &gt; 1.
    /// </summary>
    /// <exception cref="ArgumentException">No power above 1 gives <paramref name="count"/> distinct steps.</exception>
    public static QuadraticRefreshSet QuadraticCentred(int steps, int count, int center, double power)
    {
        CheckSteps(steps);
        if (count < 1 || count > steps)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"The number of refresh steps must be in [1, {steps}].");
        if (center < 0 || center > steps)
            throw new ArgumentOutOfRangeException(nameof(center), center, $"The centre step must be in [0, {steps}].");
        if (!(power > 1) || double.IsInfinity(power))
            throw new ArgumentOutOfRangeException(nameof(power), power, "The power must be a finite number greater than 1.");

        for (double p = power; p > 1; p -= PowerDecrement)
        {
            var candidate = QuadraticCandidate(steps, count, center, p);
            if (candidate.Count == count) return new QuadraticRefreshSet(candidate, p);
        }
        throw new ArgumentException(
            $"No power in (1, {power}] gives {count} distinct refresh steps centred on step {center} of {steps}; " +
            "use fewer refresh steps (a longer interval) or move the centre towards the middle.", nameof(count));
    }

    /// <summary>
    /// Adds the fewest steps to <paramref name="refreshSteps"/> so that consecutive refreshes are at most
    /// <paramref name="maxAge"/> steps apart and the last one is less than <paramref name="maxAge"/> steps before the end:
    /// a cache is then never read at an age of <paramref name="maxAge"/> steps or more.
    /// </summary>
    public static IReadOnlyList<int> WithMaxAge(IReadOnlyList<int> refreshSteps, int steps, int maxAge)
    {
        CheckSteps(steps);
        ArgumentNullException.ThrowIfNull(refreshSteps);
        if (maxAge < 1)
            throw new ArgumentOutOfRangeException(nameof(maxAge), maxAge, "The maximum cache age must be at least 1 step.");
        var result = new SortedSet<int> { 0 };
        foreach (int s in refreshSteps)
        {
            if (s < 0 || s >= steps)
                throw new ArgumentOutOfRangeException(nameof(refreshSteps), s, $"Refresh steps must lie in [0, {steps}).");
            result.Add(s);
        }
        var filled = new List<int>(result.Count);
        int last = 0;
        foreach (int s in result.Append(steps))
        {
            while (s - last > maxAge)
            {
                last += maxAge;
                filled.Add(last);
            }
            if (s < steps) filled.Add(s);
            last = s;
        }
        filled.Sort();
        return filled;
    }

    // One attempt of sample_from_quad_center at power p, reproducing numpy's arithmetic: linspace computes
    // start + k·((stop − start)·(1/n)) with the last point set to stop exactly, and the complex power is
    // exp(p·log|z|)·(cos, sin)(p·arg z) as libm's cpow does.
    private static List<int> QuadraticCandidate(int steps, int count, int center, double p)
    {
        // Python's (−center)**(1/p) for a negative base: |b|^(1/p)·(cos, sin)(π/p).
        double rootLength = Math.Pow(center, 1 / p);
        double startRe = center == 0 ? 0 : rootLength * Math.Cos(Math.PI * (1 / p));
        double startIm = center == 0 ? 0 : rootLength * Math.Sin(Math.PI * (1 / p));
        double stop = Math.Pow(steps - center, 1 / p);

        double reciprocal = 1.0 / count;
        double stepRe = (stop - startRe) * reciprocal;
        double stepIm = (0.0 - startIm) * reciprocal;

        // With centre 0 every point is real and numpy takes the float64 power path; otherwise the array is complex.
        bool complexArray = center != 0;
        var truncated = new SortedSet<int>();
        for (int k = 0; k <= count; k++)
        {
            double re = k == count ? stop : k * stepRe + startRe;
            double im = k == count ? 0.0 : k * stepIm + startIm;
            double value = complexArray ? RealPartOfComplexPower(re, im, p) : Math.Pow(re, p);
            truncated.Add((int)Math.Truncate(value));
        }

        var result = new List<int>(count) { 0 };
        int index = 0, last = truncated.Count - 1;
        foreach (int v in truncated)
        {
            if (index != 0 && index != last) result.Add(v + center);
            index++;
        }
        return result;
    }

    private static double RealPartOfComplexPower(double re, double im, double p)
    {
        if (re == 0 && im == 0) return 0;
        double modulus = Hypot(re, im);
        double argument = Math.Atan2(im, re);
        return Math.Exp(p * Math.Log(modulus)) * Math.Cos(p * argument);
    }

    private static double Hypot(double x, double y)
    {
        x = Math.Abs(x);
        y = Math.Abs(y);
        if (x < y) (x, y) = (y, x);
        if (x == 0) return 0;
        double r = y / x;
        return x * Math.Sqrt(1 + r * r);
    }

    internal static void CheckSteps(int steps)
    {
        if (steps < 1)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "A run needs at least 1 denoising step.");
    }
}

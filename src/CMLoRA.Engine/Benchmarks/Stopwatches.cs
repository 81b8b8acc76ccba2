using System.Diagnostics;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>Timing helpers for benchmarks: warm up, repeat, report the median.</summary>
public static class Stopwatches
{
    /// <summary>Runs <paramref name="action"/> <paramref name="warmup"/> times untimed, then <paramref name="runs"/> times; returns the median seconds.</summary>
    public static double MedianSeconds(Action action, int runs = 3, int warmup = 1)
    {
        for (int i = 0; i < warmup; i++) action();
        var times = new double[Math.Max(1, runs)];
        for (int i = 0; i < times.Length; i++) times[i] = Seconds(action);
        return Median(times);
    }

    /// <summary>Wall seconds of one call.</summary>
    public static double Seconds(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>The median (the mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("no values", nameof(values));
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

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
        for (int i = 0; i < times.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(times);
        return times[times.Length / 2];
    }
}

using System.Globalization;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>What a benchmark ran on: logical cores, libtorch's intra-op threads, and the load average (Linux) at that moment.</summary>
/// <param name="Cores">Logical processors the process sees.</param>
/// <param name="TorchThreads">libtorch intra-op threads.</param>
/// <param name="LoadAverage">1-, 5- and 15-minute load averages from /proc/loadavg; null where unavailable.</param>
/// <param name="TakenAt">When the snapshot was taken (UTC).</param>
public sealed record MachineSnapshot(int Cores, int TorchThreads, double[]? LoadAverage, DateTime TakenAt)
{
    /// <summary>The current state of this machine.</summary>
    public static MachineSnapshot Now() => new(Environment.ProcessorCount, get_num_threads(), ReadLoadAverage(), DateTime.UtcNow);

    /// <summary>"2 cores, 2 torch threads, load 1.52 1.80 2.10".</summary>
    public override string ToString() =>
        $"{Cores} cores, {TorchThreads} torch threads" +
        (LoadAverage is { } l ? $", load average {string.Join(" ", l.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)))}" : "");

    private static double[]? ReadLoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Take(3).Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}

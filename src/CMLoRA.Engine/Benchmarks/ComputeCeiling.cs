using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>What this machine's float32 matmul reaches — the ceiling model forwards are compared with — and waiting for devices.</summary>
public static class ComputeCeiling
{
    /// <summary>GFLOP/s of an n×n×n float32 matmul (2n³ FLOPs), median of <paramref name="runs"/>.</summary>
    public static double MatmulGflops(Device device, int n = 2048, int runs = 5)
    {
        using var guard = no_grad();
        using var a = randn(n, n, device: device);
        using var b = randn(n, n, device: device);
        double seconds = Stopwatches.MedianSeconds(() => { using var c = a.matmul(b); Synchronize(device, c); }, runs);
        return 2.0 * n * n * n / seconds / 1e9;
    }

    /// <summary>
    /// Times <paramref name="work"/> <paramref name="runs"/> times with one 2048³ matmul right after each call, and returns
    /// the median seconds of the work and the median matmul rate. On a shared machine whose load drifts over minutes,
    /// the rate measured beside a row is the fair ceiling for that row.
    /// </summary>
    public static (double Seconds, double CeilingGflops) TimeBesideMatmul(Device device, Action work, int runs, int warmup = 1)
    {
        const int n = 2048;
        using var guard = no_grad();
        using var a = randn(n, n, device: device);
        using var b = randn(n, n, device: device);
        void Matmul() { using var c = a.matmul(b); Synchronize(device, c); }
        for (int i = 0; i < warmup; i++) work();
        Matmul();
        var seconds = new List<double>();
        var rates = new List<double>();
        for (int i = 0; i < Math.Max(1, runs); i++)
        {
            seconds.Add(Stopwatches.Seconds(work));
            rates.Add(2.0 * n * n * n / Stopwatches.Seconds(Matmul) / 1e9);
        }
        return (Stopwatches.Median(seconds), Stopwatches.Median(rates));
    }

    /// <summary>Waits for queued device work (CUDA is asynchronous); a no-op on the CPU.</summary>
    public static void Synchronize(Device device, Tensor result)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
        GC.KeepAlive(result);
    }
}

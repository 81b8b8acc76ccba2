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

    /// <summary>Waits for queued device work (CUDA is asynchronous); a no-op on the CPU.</summary>
    public static void Synchronize(Device device, Tensor result)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
        GC.KeepAlive(result);
    }
}

using CMLoRA.Engine.Devices;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Foundation;

/// <summary>Fails when the native TorchSharp/libtorch libraries cannot be loaded or compute wrong numbers.</summary>
public class TorchSharpRuntimeTests
{
    [Fact]
    public void Matmul_matches_hand_computed_product()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        using var b = tensor(new float[] { 7, 8, 9, 10, 11, 12 }, 3, 2);
        using var c = a.matmul(b);
        Assert.Equal(new float[] { 58, 64, 139, 154 }, c.data<float>().ToArray());
    }

    [Fact]
    public void Fft_of_a_cosine_has_energy_only_at_its_frequency()
    {
        const int n = 16;
        var samples = Enumerable.Range(0, n).Select(i => (float)Math.Cos(2 * Math.PI * 3 * i / n)).ToArray();
        using var signal = tensor(samples);
        using var spectrum = torch.fft.fft_(signal).abs();
        var magnitudes = spectrum.data<float>().ToArray();
        Assert.Equal(n / 2.0, magnitudes[3], 3);
        Assert.Equal(n / 2.0, magnitudes[n - 3], 3);
        for (int k = 0; k < n; k++)
            if (k != 3 && k != n - 3) Assert.True(magnitudes[k] < 1e-4, $"bin {k} = {magnitudes[k]}");
    }

    [Fact]
    public void Auto_device_falls_back_to_cpu_without_cuda()
    {
        var device = ComputeDevice.Select("auto");
        Assert.Equal(cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, device.Device.type);
    }

    [Fact]
    public void Unknown_device_is_refused_with_the_choices()
    {
        var error = Assert.Throws<ArgumentException>(() => ComputeDevice.Select("tpu"));
        Assert.Contains("use auto, cpu, cuda or cuda:N", error.Message);
    }

    [Fact]
    public void Cuda_request_without_cuda_explains_the_build_switch()
    {
        if (cuda.is_available()) return; // only meaningful on a CPU-only machine
        var error = Assert.Throws<InvalidOperationException>(() => ComputeDevice.Select("cuda"));
        Assert.Contains("-p:TorchDevice=cuda", error.Message);
    }
}

using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Devices;

/// <summary>Where the engine computes and in which floating-point type; chosen at run time, never at build time.</summary>
public sealed record ComputeDevice(Device Device, ScalarType DType, string Description)
{
    public bool IsCuda => Device.type == DeviceType.CUDA;

    public static ComputeDevice Cpu { get; } = new(CPU, ScalarType.Float32, "cpu (float32)");

    /// <summary>
    /// Resolves a preference: "auto" (CUDA when this build and machine have it, else CPU), "cpu", "cuda" or "cuda:N".
    /// An optional dtype ("float32", "float16", "bfloat16") applies to CUDA; the CPU always computes in float32.
    /// </summary>
    public static ComputeDevice Select(string? preference, string? dtype = null, ILogger? logger = null)
    {
        string wanted = string.IsNullOrWhiteSpace(preference) ? "auto" : preference.Trim().ToLowerInvariant();
        bool cudaAvailable = CudaAvailable();
        ComputeDevice chosen;
        if (wanted == "cpu" || (wanted == "auto" && !cudaAvailable))
        {
            chosen = Cpu;
        }
        else if (wanted == "auto" || wanted.StartsWith("cuda", StringComparison.Ordinal))
        {
            if (!cudaAvailable)
                throw new InvalidOperationException(
                    $"Device '{preference}' was requested but CUDA is not available in this build or on this machine. " +
                    "Build with -p:TorchDevice=cuda on a machine with an NVIDIA driver, or set Studio:Device to cpu.");
            var device = wanted == "auto" ? CUDA : torch.device(wanted);
            var type = ParseDType(dtype) ?? ScalarType.Float16;
            chosen = new ComputeDevice(device, type, $"{device} ({type.ToString().ToLowerInvariant()})");
        }
        else
        {
            throw new ArgumentException($"Unknown device '{preference}': use auto, cpu, cuda or cuda:N.", nameof(preference));
        }
        logger?.LogInformation("Engine device: {Device} (requested {Requested}, CUDA available: {CudaAvailable})",
            chosen.Description, wanted, cudaAvailable);
        return chosen;
    }

    private static bool CudaAvailable()
    {
        try { return cuda.is_available(); }
        catch (Exception) { return false; } // a CPU-only libtorch has no CUDA backend to ask
    }

    private static ScalarType? ParseDType(string? dtype) => dtype?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "float32" or "fp32" => ScalarType.Float32,
        "float16" or "fp16" or "half" => ScalarType.Float16,
        "bfloat16" or "bf16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"Unknown dtype '{dtype}': use float32, float16 or bfloat16.", nameof(dtype)),
    };
}

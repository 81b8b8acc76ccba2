namespace CMLoRA.Engine.Tensors;

/// <summary>Bounds applied before anything in an untrusted file is believed.</summary>
public sealed record SafetensorsLimits(long MaxHeaderBytes = 100L * 1024 * 1024, int MaxTensors = 100_000, int MaxRank = 8)
{
    public static SafetensorsLimits Default { get; } = new();
}

namespace CMLoRA.Engine.Devices;

/// <summary>Versions the studio reports in /healthz and records with every image.</summary>
public static class EngineInfo
{
    public static string EngineVersion { get; } =
        typeof(EngineInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static string TorchSharpVersion { get; } =
        typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3) ?? "unknown";
}

namespace CMLoRA.Web.Generation;

/// <summary>The ranges a request must stay within; messages quote them.</summary>
public static class GenerationLimits
{
    public const int MinSteps = 1, MaxSteps = 150;
    public const double MinCfg = 0, MaxCfg = 30;
    public const int MinSize = 64, MaxSize = 2048, SizeMultiple = 8;
    public const int MinBatch = 1, MaxBatch = 16;
    public const int MaxLoras = 8;
    public const double MaxLoraWeight = 4;
    public const int MaxPromptLength = 8000;
    public const int MinClipSkip = 1, MaxClipSkip = 12;

    /// <summary>The methods by their request names.</summary>
    public static readonly IReadOnlyList<string> MethodNames = ["none", "merge", "switch", "composite", "cmlora"];
}

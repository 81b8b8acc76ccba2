using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>The AdamW state of one parameter: completed update count and the first and second moments.</summary>
public sealed class AdamWState(Tensor expAvg, Tensor expAvgSq)
{
    public long Step { get; set; }
    public Tensor ExpAvg { get; } = expAvg;
    public Tensor ExpAvgSq { get; } = expAvgSq;
}

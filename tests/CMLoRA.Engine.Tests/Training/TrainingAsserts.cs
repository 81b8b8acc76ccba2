using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Training;

internal static class TrainingAsserts
{
    /// <summary>Same shape and bit-identical values.</summary>
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();
}

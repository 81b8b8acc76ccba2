using TorchSharp;

namespace CMLoRA.Engine.Tensors;

/// <summary>
/// Long-lived scalars for tensor arithmetic. <c>a.add(b)</c> passes an implicit temporary <see cref="Scalar"/> (alpha = 1)
/// whose only reference dies once its native handle is read; a garbage collection on another thread can then finalize
/// it while libtorch still reads it (seen as "Expected false to be true" from c10::Scalar::toFloat in a residual add,
/// and as NaN moments in training). A static scalar is never finalized, so hot paths pass <see cref="One"/> explicitly.
/// </summary>
public static class Scalars
{
    /// <summary>The scalar 1, e.g. the alpha of <c>add(other, Scalars.One)</c>.</summary>
    public static readonly Scalar One = 1.ToScalar();
}

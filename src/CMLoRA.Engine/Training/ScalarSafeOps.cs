using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// Tensor-with-number operations that keep their <see cref="Scalar"/> alive until libtorch returns. TorchSharp's
/// implicit double → Scalar conversions create finalizable temporaries that a garbage collection on another thread
/// may free while the native call still reads them (see <see cref="AdamWOptimizer"/>); the training hot paths use these.
/// </summary>
internal static class ScalarSafeOps
{
    /// <summary>t · <paramref name="value"/>.</summary>
    public static Tensor Times(this Tensor tensor, double value)
    {
        using Scalar scalar = value.ToScalar();
        return tensor.mul(scalar);
    }

    /// <summary>t + <paramref name="value"/>.</summary>
    public static Tensor Plus(this Tensor tensor, double value)
    {
        using Scalar scalar = value.ToScalar();
        return tensor.add(scalar);
    }

    /// <summary><paramref name="value"/> − t.</summary>
    public static Tensor SubtractedFrom(this Tensor tensor, double value)
    {
        using Scalar scalar = value.ToScalar();
        using var negated = tensor.neg();
        return negated.add(scalar);
    }

    /// <summary>t &lt; <paramref name="value"/> (boolean).</summary>
    public static Tensor Below(this Tensor tensor, double value)
    {
        using Scalar scalar = value.ToScalar();
        return tensor.lt(scalar);
    }

    /// <summary>[0, 1] pictures → [-1, 1].</summary>
    public static Tensor ToSignedRange(this Tensor pictures)
    {
        using var doubled = pictures.Times(2);
        return doubled.Plus(-1);
    }
}

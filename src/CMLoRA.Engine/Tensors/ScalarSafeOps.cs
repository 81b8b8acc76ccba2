using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tensors;

/// <summary>
/// Tensor-with-number operations that keep their <see cref="Scalar"/> alive until libtorch returns. TorchSharp's
/// implicit number → Scalar conversions (<c>t * 0.5</c>, <c>t.add(other)</c> with its alpha 1, <c>t.square()</c>
/// = <c>pow(2)</c>) create finalizable temporaries that a garbage collection on another thread may free while the
/// native call still reads them (see <see cref="Scalars"/>). Each method issues exactly the libtorch call of the
/// operator it replaces, so results are bit-identical. The <see cref="long"/> overloads keep integral scalars integral.
/// </summary>
internal static class ScalarSafeOps
{
    /// <summary>t · <paramref name="value"/> (as <c>t * value</c>).</summary>
    public static Tensor Times(this Tensor tensor, double value)
    {
        using Scalar scalar = value.ToScalar();
        return tensor.mul(scalar);
    }

    /// <summary>t · <paramref name="value"/> with an integral scalar (as <c>t * 2</c>).</summary>
    public static Tensor Times(this Tensor tensor, long value)
    {
        using Scalar scalar = value.ToScalar();
        return tensor.mul(scalar);
    }

    /// <summary>t ← t · <paramref name="value"/> in place (as <c>t.mul_(value)</c>).</summary>
    public static Tensor TimesInPlace(this Tensor tensor, double value)
    {
        using Scalar scalar = value.ToScalar();
        return tensor.mul_(scalar);
    }

    /// <summary>t / <paramref name="value"/> (as <c>t / value</c>).</summary>
    public static Tensor DividedBy(this Tensor tensor, double value)
    {
        using Scalar scalar = value.ToScalar();
        return tensor.div(scalar);
    }

    /// <summary>t / <paramref name="value"/> with an integral scalar (as <c>t / 2</c>; true division).</summary>
    public static Tensor DividedBy(this Tensor tensor, long value)
    {
        using Scalar scalar = value.ToScalar();
        return tensor.div(scalar);
    }

    /// <summary>t + <paramref name="value"/> (as <c>t + value</c>: add with alpha 1).</summary>
    public static Tensor Plus(this Tensor tensor, double value)
    {
        using Scalar scalar = value.ToScalar();
        return tensor.add(scalar, Scalars.One);
    }

    /// <summary>t + <paramref name="other"/> (as <c>t + other</c>: add with alpha 1).</summary>
    public static Tensor Plus(this Tensor tensor, Tensor other) => tensor.add(other, Scalars.One);

    /// <summary><paramref name="value"/> − t (as <c>value - t</c>: −t, then add with alpha 1).</summary>
    public static Tensor SubtractedFrom(this Tensor tensor, double value)
    {
        using Scalar scalar = value.ToScalar();
        using var negated = tensor.neg();
        return negated.add(scalar, Scalars.One);
    }

    /// <summary>t² (as <c>t.square()</c>, which is <c>pow(2)</c>).</summary>
    public static Tensor Squared(this Tensor tensor) => tensor.pow(Scalars.Two);

    /// <summary>t clamped to [<paramref name="min"/>, <paramref name="max"/>] (as <c>t.clamp(min, max)</c>).</summary>
    public static Tensor ClampedTo(this Tensor tensor, double min, double max)
    {
        using Scalar low = min.ToScalar(), high = max.ToScalar();
        return tensor.clamp(low, high);
    }

    /// <summary>t &lt; <paramref name="value"/> (boolean).</summary>
    public static Tensor Below(this Tensor tensor, double value)
    {
        using Scalar scalar = value.ToScalar();
        return tensor.lt(scalar);
    }

    /// <summary>
    /// [start, stop) in steps of 1 (as <c>torch.arange(start, stop, dtype, device)</c>, whose shorter overloads pass
    /// implicit start and step scalars).
    /// </summary>
    public static Tensor Arange(long start, long stop, ScalarType dtype, Device device)
    {
        using Scalar first = start.ToScalar(), end = stop.ToScalar();
        return arange(first, end, Scalars.One, dtype, device);
    }

    /// <summary>[0, 1] pictures → [-1, 1].</summary>
    public static Tensor ToSignedRange(this Tensor pictures)
    {
        using var doubled = pictures.Times(2.0);
        return doubled.Plus(-1.0);
    }
}

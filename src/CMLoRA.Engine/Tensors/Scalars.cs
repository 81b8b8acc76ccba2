using TorchSharp;

namespace CMLoRA.Engine.Tensors;

/// <summary>
/// Long-lived scalars for tensor arithmetic. <c>a.add(b)</c> passes an implicit temporary <see cref="Scalar"/> (alpha = 1)
/// whose only reference dies once its native handle is read; a garbage collection on another thread can then finalize
/// it while libtorch still reads it (seen as "Expected false to be true" from c10::Scalar::toFloat in a residual add,
/// and as NaN moments in training). A static scalar is never finalized, so hot paths pass these explicitly; run-time
/// values go through <see cref="ScalarSafeOps"/> or a <c>using Scalar s = x.ToScalar();</c> that outlives the call.
/// Each keeps the C# type of the literal it replaces (integral or floating), so results stay bit-identical.
/// </summary>
public static class Scalars
{
    /// <summary>The scalar 1, e.g. the alpha of <c>add(other, Scalars.One)</c> (what <c>a + b</c> passes implicitly).</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>The integral scalar 0, e.g. the low end of <c>clamp(0, 1)</c>.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>The integral scalar 2: <c>square()</c> is <c>pow(2)</c>; also halving with <c>div(2)</c>.</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>The integral scalar 255: [0, 1] pictures → byte range.</summary>
    public static readonly Scalar TwoFiftyFive = 255.ToScalar();

    /// <summary>The scalar 0.5 (double), e.g. <c>x / 2 + 0.5</c> when mapping [-1, 1] to [0, 1].</summary>
    public static readonly Scalar Half = 0.5.ToScalar();
}
